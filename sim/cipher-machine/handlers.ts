import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { deriveEhcIdBytes } from '../../protocol/crypto/ehc-id.js';
import { sm2Sign, sm2SignedDigest, sm2Verify } from '../../protocol/crypto/sm2.js';
import { sm3 } from '../../protocol/crypto/sm3.js';
import { sm4CbcDecrypt, sm4CbcEncrypt, sm4EcbDecrypt, sm4EcbEncrypt } from '../../protocol/crypto/sm4.js';
import { assertTimeZone } from '../../protocol/crypto/time-zone.js';
import {
  checkValidityWindow,
  decodeValidityBlock,
  encodeValidityBlock,
  validityDigits,
} from '../../protocol/crypto/validity.js';
import { isEhcError } from '../../protocol/errors.js';
import { type DecodedRequest, encodeErrorReply, encodeReply } from '../../protocol/hsm/codec.js';
import {
  MAX_RANDOM_BYTES,
  type RequestFields,
  USE_SERVER_DEFAULT,
  VALIDITY_VERDICTS,
  type ValidityVerdict,
} from '../../protocol/hsm/commands.js';
import { ERR } from '../../protocol/hsm/sdr.js';
import type { ResolvedConfig } from './config.js';
import { type HsmFaults, parseFaults } from './faults.js';
import type { KeyLookup, KeyStore } from './key-store.js';

/** What a command handler may use. */
export interface HandlerContext {
  readonly keys: KeyStore;
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  /** Applies faults received by `ZF` (only called when fault control is enabled). */
  readonly setFaults: (f: HsmFaults) => void;
}

/** A failure with a reply error code, thrown inside a handler and answered as that code. */
class Refusal {
  constructor(readonly code: string) {}
}

const VERDICT_BYTE = new Map<ValidityVerdict, number>(VALIDITY_VERDICTS.map((v, i) => [v, i]));

function key(r: KeyLookup) {
  if (!r.ok) throw new Refusal(r.why === 'missing' ? ERR.KEY_NOT_FOUND : ERR.KEY_TYPE);
  return r.key;
}

/** Input errors raised by the crypto layer, by code. */
function codeOfError(e: unknown): string | undefined {
  if (e instanceof Refusal) return e.code;
  if (e instanceof RangeError) return ERR.BAD_ARGUMENT;
  if (!isEhcError(e)) return undefined;
  switch (e.code) {
    case 'CRYPTO_BAD_INPUT':
    case 'CRYPTO_BAD_LENGTH':
    case 'CRYPTO_BAD_KEY':
    case 'CRYPTO_BAD_IV':
      return ERR.BAD_ARGUMENT;
    case 'CRYPTO_BAD_PADDING':
      return ERR.BAD_CIPHERTEXT;
    case 'CRYPTO_SIGN_FAILED':
      return ERR.SIGN_FAILED;
    default:
      return undefined;
  }
}

/** The request's time zone, or the machine's. An unknown zone is a bad argument. */
function zone(ctx: HandlerContext, requested: string): string {
  if (requested === '' || requested === ctx.config.timeZone) return ctx.config.timeZone;
  assertTimeZone(requested);
  return requested;
}

function sm4(ctx: HandlerContext, encrypt: boolean, f: RequestFields<'EA'>): Buffer {
  const k = key(ctx.keys.lookup(f.keyIndex, 'sm4', ['data'])).bytes();
  if (f.padding > 1) throw new Refusal(ERR.BAD_ARGUMENT);
  const opts = { padding: f.padding === 1 };
  if (f.mode === 0) {
    if (f.iv.length !== 0) throw new Refusal(ERR.BAD_ARGUMENT);
    return encrypt ? sm4EcbEncrypt(k, f.data, opts) : sm4EcbDecrypt(k, f.data, opts);
  }
  if (f.mode === 1)
    return encrypt ? sm4CbcEncrypt(k, f.iv, f.data, opts) : sm4CbcDecrypt(k, f.iv, f.data, opts);
  throw new Refusal(ERR.ALGORITHM_MODE_NOT_SUPPORTED);
}

function checkValidity(ctx: HandlerContext, id: number, f: RequestFields<'VC'>): Buffer {
  const k = key(ctx.keys.lookup(f.keyIndex, 'sm4', ['protect']));
  const { config } = ctx;
  const r = decodeValidityBlock(k.ecbDecrypt(f.block), zone(ctx, f.timeZone));
  if (!r.ok) {
    const verdict = VERDICT_BYTE.get(r.error.type as ValidityVerdict) ?? VERDICT_BYTE.get('not-bcd')!;
    return encodeReply(id, 'VC', { verdict, generatedMs: 0, digits: '' });
  }
  const window = {
    lifetimeS: f.lifetimeS === USE_SERVER_DEFAULT ? config.lifetimeS : f.lifetimeS,
    skewS: f.skewS === USE_SERVER_DEFAULT ? config.skewS : f.skewS,
  };
  const w = checkValidityWindow(r.value.instantMs, f.nowMs === 0 ? config.now() : f.nowMs, window);
  return encodeReply(id, 'VC', {
    verdict: VERDICT_BYTE.get(w)!,
    // A (validly encrypted) time before 1970 cannot travel as u64; its digits still tell it.
    generatedMs: Math.max(0, r.value.instantMs),
    digits: r.value.digits,
  });
}

function run(ctx: HandlerContext, req: DecodedRequest): Buffer {
  const { id } = req;
  switch (req.cmd) {
    case 'NC':
      return encodeReply(id, 'NC', { ...ctx.config.identity, timeMs: ctx.config.now() });
    case 'RA': {
      const n = req.fields.length;
      if (n < 1 || n > MAX_RANDOM_BYTES) throw new Refusal(ERR.BAD_ARGUMENT);
      return encodeReply(id, 'RA', { bytes: randomBytes(n) });
    }
    case 'HA': {
      const f = req.fields;
      const digest =
        f.publicKey.length === 0
          ? sm3(f.data)
          : sm2SignedDigest(f.publicKey.toString('hex'), f.data, f.userId);
      return encodeReply(id, 'HA', { digest });
    }
    case 'SA': {
      const k = key(ctx.keys.lookup(req.fields.keyIndex, 'sm2', ['sign']));
      const signature = sm2Sign(k.privateKeyHex(), req.fields.data, {
        userId: req.fields.userId,
        publicKey: k.publicKey!,
      });
      return encodeReply(id, 'SA', { signature });
    }
    case 'SC': {
      const f = req.fields;
      const k = key(ctx.keys.lookup(f.keyIndex, 'sm2', ['sign']));
      if (!sm2Verify(k.publicKey!, f.data, f.signature, { userId: f.userId }))
        throw new Refusal(ERR.VERIFY_FAILED);
      return encodeReply(id, 'SC', {});
    }
    case 'EA':
      return encodeReply(id, 'EA', { data: sm4(ctx, true, req.fields) });
    case 'EC':
      return encodeReply(id, 'EC', { data: sm4(ctx, false, req.fields) });
    case 'KA': {
      const f = req.fields;
      const k = key(ctx.keys.lookup(f.keyIndex, 'sm4', ['security']));
      return encodeReply(id, 'KA', { ehcId: deriveEhcIdBytes(k.bytes(), f.mainIndex, f.idType, f.idNo) });
    }
    case 'VA': {
      const k = key(ctx.keys.lookup(req.fields.keyIndex, 'sm4', ['protect']));
      const instant = req.fields.instantMs === 0 ? ctx.config.now() : req.fields.instantMs;
      const digits = validityDigits(instant, zone(ctx, req.fields.timeZone));
      return encodeReply(id, 'VA', { block: k.ecbEncrypt(encodeValidityBlock(digits)), digits });
    }
    case 'VC':
      return checkValidity(ctx, id, req.fields);
    case 'ZF': {
      if (!ctx.config.faultControl) throw new Refusal(ERR.NOT_SUPPORTED);
      let json: unknown;
      try {
        json = JSON.parse(req.fields.faults);
      } catch {
        throw new Refusal(ERR.BAD_ARGUMENT);
      }
      const f = parseFaults(json);
      if (!f.ok) throw new Refusal(ERR.BAD_ARGUMENT);
      ctx.setFaults(f.value);
      return encodeReply(id, 'ZF', {});
    }
  }
}

/** Runs one decoded request and returns its reply frame; failures become error-code replies. */
export function handleRequest(ctx: HandlerContext, req: DecodedRequest): Buffer {
  try {
    return run(ctx, req);
  } catch (e) {
    const code = codeOfError(e);
    if (code !== undefined) return encodeErrorReply(req.id, req.cmd, code);
    ctx.logger.error({ err: e, cmd: req.cmd }, 'command failed');
    return encodeErrorReply(req.id, req.cmd, ERR.UNKNOWN);
  }
}
