import { decodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import {
  type HsmCommand,
  MAX_RANDOM_BYTES,
  type ReplyFields,
  type RequestInputs,
} from '../../protocol/hsm/commands.js';
import {
  ABSOLUTE_MAX_FRAME_LENGTH,
  DEFAULT_MAX_FRAME_LENGTH,
  LENGTH_BYTES,
} from '../../protocol/hsm/framing.js';
import { bytesOf, type Checked, hexBytes, integer, printableAscii, timeoutOf } from './args.js';
import { Call } from './call.js';
import { HsmClientError } from './errors.js';
import { HsmPool } from './pool.js';
import { noResult, okResult, resultOfErrorCode, unavailable } from './results.js';
import type {
  CipherMachine,
  HsmCallOptions,
  HsmClientOptions,
  HsmClientStatus,
  HsmDeviceInfo,
  HsmResult,
  Sm2Options,
  Sm3Options,
  Sm4Options,
  ValidityBlock,
  ValidityCheck,
  ValidityCheckOptions,
  ValidityOptions,
} from './types.js';
import { validityCheckFrame, validityCheckReply, zoneOf } from './validity-call.js';

export const DEFAULT_TIMEOUT_MS = 200;
export const DEFAULT_SM2_USER_ID = '1234567812345678';

type KeyOpts = HsmCallOptions & { readonly keyIndex?: number };

function option(name: string, v: number | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min)
    throw new HsmClientError('HSM_CLIENT_BAD_OPTION', `${name} must be an integer ≥ ${min}`);
  return v;
}

/** Runs each check in turn; the first failure becomes a `bad-input` no. */
function firstFailure(...checks: Checked<unknown>[]): string | undefined {
  for (const c of checks) if (!c.ok) return c.message;
  return undefined;
}

/** The cipher-machine client (see types.ts for the guarantees). */
export class HsmClient implements CipherMachine {
  private readonly pool: HsmPool;
  private readonly timeoutMs: number;
  private readonly maxRequestLength: number;

  constructor(opts: HsmClientOptions) {
    if (!Array.isArray(opts.endpoints) || opts.endpoints.length === 0) {
      throw new HsmClientError('HSM_CLIENT_BAD_OPTION', 'at least one cipher-machine endpoint is needed');
    }
    this.timeoutMs = option('timeoutMs', opts.timeoutMs, DEFAULT_TIMEOUT_MS, 1);
    this.maxRequestLength = option('maxRequestLength', opts.maxRequestLength, DEFAULT_MAX_FRAME_LENGTH, 6);
    this.pool = new HsmPool({
      endpoints: opts.endpoints,
      tls: opts.tls,
      poolSize: option('poolSize', opts.poolSize, 2, 1),
      timeoutMs: this.timeoutMs,
      connectTimeoutMs: option('connectTimeoutMs', opts.connectTimeoutMs, this.timeoutMs, 1),
      heartbeatMs: option('heartbeatMs', opts.heartbeatMs, 2000, 0),
      failbackMs: option('failbackMs', opts.failbackMs, 5000, 1),
      maxQueued: option('maxQueued', opts.maxQueued, 10_000, 0),
      maxFrameLength: option('maxFrameLength', opts.maxFrameLength, ABSOLUTE_MAX_FRAME_LENGTH, 8),
    });
  }

  info(opts?: HsmCallOptions): Promise<HsmResult<HsmDeviceInfo>> {
    return this.run('NC', {}, opts, (f) =>
      okResult({
        vendor: f.vendor,
        model: f.model,
        serial: f.serial,
        firmware: f.firmware,
        timeMs: f.timeMs,
      }),
    );
  }

  random(length: number, opts?: HsmCallOptions): Promise<HsmResult<Buffer>> {
    const n = integer('length', length, 1, MAX_RANDOM_BYTES);
    if (!n.ok) return this.bad(n.message);
    return this.run('RA', { length: n.value }, opts, (f) =>
      f.bytes.length === n.value ? okResult(Buffer.from(f.bytes)) : this.malformed('random length differs'),
    );
  }

  sm3(data: Uint8Array | string, opts: Sm3Options = {}): Promise<HsmResult<string>> {
    const d = bytesOf(data);
    const pk =
      opts.publicKeyHex === undefined ? undefined : hexBytes('publicKeyHex', opts.publicKeyHex, [33, 64, 65]);
    const fail = firstFailure(d, ...(pk ? [pk] : []));
    if (fail !== undefined || !d.ok) return this.bad(fail ?? '');
    const publicKey = pk?.ok ? pk.value : Buffer.alloc(0);
    const userId = publicKey.length === 0 ? '' : (opts.userId ?? DEFAULT_SM2_USER_ID);
    return this.run('HA', { publicKey, userId, data: d.value }, opts, (f) =>
      okResult(f.digest.toString('hex').toUpperCase()),
    );
  }

  sm2Sign(keyIndex: number, data: Uint8Array | string, opts: Sm2Options = {}): Promise<HsmResult<string>> {
    const k = integer('keyIndex', keyIndex, 0, 0xffff);
    const d = bytesOf(data);
    if (!k.ok || !d.ok) return this.bad(firstFailure(k, d)!);
    const req = { keyIndex: k.value, userId: opts.userId ?? DEFAULT_SM2_USER_ID, data: d.value };
    return this.run('SA', req, opts, (f) => okResult(f.signature.toString('hex').toUpperCase()));
  }

  sm2Verify(
    keyIndex: number,
    data: Uint8Array | string,
    signatureHex: string,
    opts: Sm2Options = {},
  ): Promise<HsmResult<true>> {
    const k = integer('keyIndex', keyIndex, 0, 0xffff);
    const d = bytesOf(data);
    if (!k.ok || !d.ok) return this.bad(firstFailure(k, d)!);
    const sig = hexBytes('signatureHex', signatureHex, [64]);
    if (!sig.ok) return Promise.resolve(noResult('bad-signature', 'signature is not 64 bytes r ‖ s'));
    const req = {
      keyIndex: k.value,
      userId: opts.userId ?? DEFAULT_SM2_USER_ID,
      data: d.value,
      signature: sig.value,
    };
    return this.run('SC', req, opts, () => okResult(true as const));
  }

  sm4Encrypt(keyIndex: number, data: Uint8Array, opts: Sm4Options = {}): Promise<HsmResult<Buffer>> {
    return this.sm4('EA', keyIndex, data, opts);
  }

  sm4Decrypt(keyIndex: number, data: Uint8Array, opts: Sm4Options = {}): Promise<HsmResult<Buffer>> {
    return this.sm4('EC', keyIndex, data, opts);
  }

  deriveEhcId(
    mainIndexHex: string,
    idType: string,
    idNo: string,
    opts: KeyOpts = {},
  ): Promise<HsmResult<string>> {
    const k = integer('keyIndex', opts.keyIndex ?? 0, 0, 0xffff);
    const mi = hexBytes('mainIndexHex', mainIndexHex, [8, 16, 24, 32, 40, 48, 56, 64]);
    const t = printableAscii('idType', idType, 8);
    const n = printableAscii('idNo', idNo, 64);
    if (!k.ok || !mi.ok || !t.ok || !n.ok) return this.bad(firstFailure(k, mi, t, n)!);
    const req = { keyIndex: k.value, mainIndex: mi.value, idType: t.value, idNo: n.value };
    return this.run('KA', req, opts, (f) => okResult(f.ehcId.toString('hex').toUpperCase()));
  }

  encryptValidity(instantMs?: number, opts: ValidityOptions = {}): Promise<HsmResult<ValidityBlock>> {
    const k = integer('keyIndex', opts.keyIndex ?? 0, 0, 0xffff);
    const tz = zoneOf(opts.timeZone);
    const t =
      instantMs === undefined
        ? integer('', 0, 0, 0)
        : integer('instantMs', instantMs, 1, Number.MAX_SAFE_INTEGER);
    if (!k.ok || !t.ok || !tz.ok) return this.bad(firstFailure(k, t, tz)!);
    return this.run('VA', { keyIndex: k.value, instantMs: t.value, timeZone: tz.value }, opts, (f) =>
      /^\d{14}$/.test(f.digits)
        ? okResult({ blockHex: f.block.toString('hex').toUpperCase(), digits: f.digits })
        : this.malformed('validity digits are not 14 digits'),
    );
  }

  checkValidity(blockHex: string, opts: ValidityCheckOptions = {}): Promise<HsmResult<ValidityCheck>> {
    const frame = validityCheckFrame(blockHex, opts);
    if (!frame.ok) return this.bad(frame.message);
    return this.send('VC', frame.value, opts, validityCheckReply);
  }

  status(): HsmClientStatus {
    return this.pool.status();
  }

  onStatusChange(listener: (status: HsmClientStatus) => void): () => void {
    return this.pool.onStatusChange(listener);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * Sends an already-encoded request frame (id bytes are overwritten) and resolves with the raw
   * reply body. For the benchmark's echo baseline and diagnostics; typed methods are the API.
   */
  rawCall(cmd: HsmCommand, frame: Buffer, opts?: HsmCallOptions): Promise<HsmResult<Buffer>> {
    return this.send(cmd, frame, opts, (body) => okResult(body));
  }

  private sm4(
    cmd: 'EA' | 'EC',
    keyIndex: number,
    data: Uint8Array,
    opts: Sm4Options,
  ): Promise<HsmResult<Buffer>> {
    const k = integer('keyIndex', keyIndex, 0, 0xffff);
    const d = bytesOf(data);
    if (!k.ok || !d.ok) return this.bad(firstFailure(k, d)!);
    const mode = opts.mode ?? 'ecb';
    const padding = opts.padding ?? true;
    if (mode !== 'ecb' && mode !== 'cbc') return this.bad('mode must be ecb or cbc');
    if (
      (mode === 'cbc') !== (opts.iv !== undefined) ||
      (opts.iv !== undefined && opts.iv.byteLength !== 16)
    ) {
      return this.bad('CBC needs a 16-byte iv; ECB takes none');
    }
    if ((cmd === 'EC' || !padding) && d.value.length % 16 !== 0) {
      return this.bad('data must be whole 16-byte blocks');
    }
    const req = {
      keyIndex: k.value,
      mode: mode === 'ecb' ? 0 : 1,
      padding: padding ? 1 : 0,
      iv: opts.iv ?? Buffer.alloc(0),
      data: d.value,
    };
    return this.run(cmd, req, opts, (f) => okResult(Buffer.from(f.data)));
  }

  private bad(message: string): Promise<HsmResult<never>> {
    return Promise.resolve(noResult('bad-input', message));
  }

  private malformed(message: string): HsmResult<never> {
    return unavailable('malformed-reply', message);
  }

  private run<C extends HsmCommand, T>(
    cmd: C,
    fields: RequestInputs<C>,
    opts: HsmCallOptions | undefined,
    parse: (f: ReplyFields<C>, endpoint: string) => HsmResult<T>,
  ): Promise<HsmResult<T>> {
    let frame: Buffer;
    try {
      frame = encodeRequest(0, cmd, fields);
    } catch (e) {
      return this.bad(e instanceof Error ? e.message : 'request cannot be encoded');
    }
    return this.send(cmd, frame, opts, (body, endpoint) => {
      const r = decodeReply(body, cmd);
      if (!r.ok) return unavailable('malformed-reply', `malformed reply: ${r.error.type}`, { endpoint });
      if (!r.value.success) return resultOfErrorCode(cmd, r.value.code, endpoint);
      return parse(r.value.fields, endpoint);
    });
  }

  /** Dispatches an encoded frame; `parse` turns the reply body into the result. */
  private send<T>(
    cmd: HsmCommand,
    frame: Buffer,
    opts: HsmCallOptions | undefined,
    parse: (body: Buffer, endpoint: string) => HsmResult<T>,
  ): Promise<HsmResult<T>> {
    const timeout =
      opts?.timeoutMs === undefined ? this.timeoutMs : timeoutOf(opts.timeoutMs, this.timeoutMs);
    if (typeof timeout !== 'number' && !timeout.ok) return this.bad(timeout.message);
    const ms = typeof timeout === 'number' ? timeout : timeout.value;
    if (frame.length - LENGTH_BYTES > this.maxRequestLength) {
      return this.bad(`request of ${frame.length - LENGTH_BYTES} bytes exceeds ${this.maxRequestLength}`);
    }
    return new Promise((resolve) => {
      this.pool.dispatch(
        new Call<T>(cmd, frame, parse, resolve, ms, this.pool.onTimeout, opts?.onRoundTrip) as Call<unknown>,
      );
    });
  }
}

export function createHsmClient(opts: HsmClientOptions): HsmClient {
  return new HsmClient(opts);
}
