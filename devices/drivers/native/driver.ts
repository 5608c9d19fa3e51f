/**
 * The host side of the native device protocol (terminals running firmware-sdk/runtime): Hello →
 * DeviceInfo on start, commands with reply deadlines, scans acknowledged at once and delivered
 * once per (boot id, scan seq), heartbeat supervision, image upload, and counters for everything
 * the wire got wrong.
 */
import {
  type CommandMessage,
  type DeviceEnvelope,
  type DeviceInfoMessage,
  DeviceStreamDecoder,
  type EnvelopeResult,
  encodeDeviceFrame,
  nextSeq,
  PROTOCOL_VERSION,
  type ReplyMessage,
  type SelfTestResult,
  type WireSymbology,
} from '../../../protocol/device/index.js';
import { type EhcError, toEhcError } from '../../../protocol/errors.js';
import type {
  BeepKind,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverCapabilities,
  DriverIo,
  LedKind,
  MonoNs,
} from '../../types.js';
import { NativeDriverError } from './errors.js';
import type { UploadedImage } from './image.js';
import { type NativeDriverOptions, type ResolvedNativeOptions, resolveNativeOptions } from './options.js';
import { PendingCommands } from './pending.js';
import { nativeScanEvent } from './scan-event.js';
import { type NativeDriverStats, zeroNativeStats } from './stats.js';
import { ImageUploads } from './uploads.js';
import { HeartbeatWatch } from './watch.js';

interface HelloWait {
  readonly seq: number;
  readonly resolve: (v: DeviceInfoMessage) => void;
  readonly reject: (e: EhcError) => void;
  readonly cancel: () => void;
}

const disconnected = () => new NativeDriverError('DEVICE_DISCONNECTED', 'the device link went away');

export class NativeDriver implements Driver {
  readonly name = 'native' as const;
  readonly options: ResolvedNativeOptions;
  readonly stats: NativeDriverStats = zeroNativeStats();
  readonly #decoder: DeviceStreamDecoder<MonoNs>;
  readonly #pending = new PendingCommands();
  readonly #uploads: ImageUploads;
  readonly #watch = new HeartbeatWatch();
  #io: DriverIo | undefined;
  #seq = 0;
  #info: DeviceInfoMessage | undefined;
  #hello: HelloWait | undefined;
  #lastDeviceSeq = 0;
  #wantEnabled: boolean | undefined;

  constructor(options: NativeDriverOptions = {}) {
    this.options = resolveNativeOptions(options);
    this.#decoder = new DeviceStreamDecoder<MonoNs>({ maxPayloadBytes: this.options.maxPayloadBytes });
    this.#uploads = new ImageUploads(this.options.maxImageBytes);
  }

  get capabilities(): DriverCapabilities {
    const c = this.#info?.capabilities;
    return { trigger: c?.trigger ?? true, beep: c?.beep ?? true, led: c?.led ?? true, identity: true };
  }

  /** The last DeviceInfo the device sent (boot id, heartbeat interval, ack timeout, …). */
  get deviceInfo(): DeviceInfoMessage | undefined {
    return this.#info;
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.#io = io;
    this.#seq = 0;
    this.#lastDeviceSeq = 0;
    this.#watch.heard(io.now());
    const seq = this.#nextSeq();
    const answered = new Promise<DeviceInfoMessage>((resolve, reject) => {
      const ms = this.options.helloTimeoutMs;
      const cancel = io.setTimer(ms, () => {
        this.#hello = undefined;
        reject(new NativeDriverError('DEVICE_PROBE_FAILED', `no DeviceInfo within ${ms} ms of Hello`));
      });
      this.#hello = { seq, resolve, reject, cancel };
    });
    const o = this.options;
    const hello = {
      protocolVersion: PROTOCOL_VERSION,
      hostName: o.hostName,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
    };
    try {
      await this.#write({ seq, body: { case: 'hello', value: hello } });
    } catch (e) {
      this.#hello?.cancel();
      this.#hello = undefined;
      throw toEhcError(e, 'DEVICE_DISCONNECTED', 'could not send Hello');
    }
    const info = await answered;
    if (info.protocolVersion !== PROTOCOL_VERSION) {
      throw new NativeDriverError(
        'DEVICE_PROBE_FAILED',
        `device speaks protocol version ${info.protocolVersion}`,
      );
    }
    this.#supervise();
    return {
      vendor: info.vendor,
      model: info.model,
      firmware: info.firmwareVersion,
      serial: info.serial,
      ...(info.certifiedModelId ? { certifiedModelId: info.certifiedModelId } : {}),
    };
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    const results = this.#decoder.push(chunk, atNs);
    this.#syncStats();
    for (const r of results) this.#onResult(r, atNs);
  }

  reset(_cause: DisconnectCause): void {
    this.#decoder.reset();
    this.#syncStats();
    this.#watch.stop();
    const hello = this.#hello;
    this.#hello = undefined;
    hello?.cancel();
    hello?.reject(disconnected());
    this.#pending.rejectAll(disconnected());
    this.#uploads.rejectAll(disconnected());
    this.#io = undefined;
  }

  async enable(on: boolean): Promise<void> {
    this.#wantEnabled = on;
    await this.#command({ op: on ? 'enable' : 'disable' });
  }

  async trigger(on: boolean): Promise<void> {
    await this.#command({ op: 'trigger', on });
  }

  async beep(kind: BeepKind, count = 1): Promise<void> {
    await this.#command({ op: 'beep', kind, count });
  }

  /** Good/bad light up for `durationMs` (default 1000), `off` clears. */
  async led(kind: LedKind, durationMs = kind === 'off' ? 0 : 1000): Promise<void> {
    await this.#command({ op: 'led', kind, durationMs });
  }

  async configGet(keys: readonly string[] = []): Promise<Readonly<Record<string, string>>> {
    return (await this.#command({ op: 'configGet', keys })).config;
  }

  async configSet(
    values: Readonly<Record<string, string>>,
    persist = false,
  ): Promise<Readonly<Record<string, string>>> {
    return (await this.#command({ op: 'configSet', values, persist })).config;
  }

  async selfTest(): Promise<SelfTestResult> {
    const r = await this.#command({ op: 'selfTest' }, this.options.slowCommandTimeoutMs);
    return r.selfTest ?? { passed: false, checks: [] };
  }

  /** Resolves once the device accepted; it then announces itself with a new boot id. */
  async reboot(): Promise<void> {
    await this.#command({ op: 'reboot' }, this.options.slowCommandTimeoutMs);
  }

  /** Asks the device to report `payload` as a scan (conformance and bench aid). */
  async testScan(payload: Uint8Array, symbology: WireSymbology = 'qr_code'): Promise<void> {
    await this.#command({ op: 'testScan', payload, symbology });
  }

  /** Captures and uploads the device's current camera frame. */
  async captureImage(): Promise<UploadedImage> {
    const io = this.#io;
    if (!io) throw new NativeDriverError('DEVICE_DISCONNECTED', 'cannot capture: not started');
    const seq = this.#nextSeq();
    const ms = this.options.slowCommandTimeoutMs;
    const image = this.#uploads.expect(io, seq, ms);
    this.#command({ op: 'captureImage' }, ms, seq).catch((e: unknown) =>
      this.#uploads.fail(seq, toEhcError(e, 'NATIVE_COMMAND_FAILED', 'capture failed')),
    );
    return image;
  }

  #nextSeq(): number {
    this.#seq = nextSeq(this.#seq);
    return this.#seq;
  }

  async #write(env: DeviceEnvelope): Promise<void> {
    const io = this.#io;
    if (!io) throw disconnected();
    await io.write(encodeDeviceFrame(env, this.#info?.maxFrameBytes || this.options.maxPayloadBytes));
  }

  async #command(
    cmd: CommandMessage,
    timeoutMs = this.options.commandTimeoutMs,
    seq = this.#nextSeq(),
  ): Promise<ReplyMessage> {
    const io = this.#io;
    if (!io) throw new NativeDriverError('DEVICE_DISCONNECTED', `cannot send ${cmd.op}: not started`);
    const reply = this.#pending.wait(io, seq, cmd.op, timeoutMs);
    this.#write({ seq, body: { case: 'command', value: cmd } }).catch((e: unknown) =>
      this.#pending.fail(seq, toEhcError(e, 'DEVICE_DISCONNECTED', `could not send ${cmd.op}`)),
    );
    return reply;
  }

  #syncStats(): void {
    const d = this.#decoder.stats;
    this.stats.bytesSkipped = d.bytesSkipped;
    this.stats.badFrames = d.badFrames;
    this.stats.partialDropped = d.partialDropped;
    this.stats.badMessages = d.badMessages;
    this.stats.oversize = d.oversize + d.badVersion;
  }

  #onResult(r: EnvelopeResult<MonoNs>, atNs: MonoNs): void {
    if (!r.ok) {
      this.#io?.emitError(new NativeDriverError('NATIVE_BAD_FRAME', `${r.error.type}: ${r.error.message}`));
      return;
    }
    const env = r.value.envelope;
    if (this.#lastDeviceSeq !== 0 && env.seq !== 1 && env.seq !== nextSeq(this.#lastDeviceSeq))
      this.stats.seqGaps++;
    this.#lastDeviceSeq = env.seq;
    this.#watch.heard(atNs);
    this.#handle(env, r.value.mark ?? atNs, atNs);
  }

  #handle(env: DeviceEnvelope, firstNs: MonoNs, lastNs: MonoNs): void {
    const b = env.body;
    switch (b.case) {
      case 'deviceInfo':
        this.#onDeviceInfo(b.value);
        return;
      case 'scan': {
        const s = b.value;
        this.stats.acksSent++;
        this.#write({
          seq: this.#nextSeq(),
          body: { case: 'scanAck', value: { scanSeq: s.scanSeq, bootId: s.bootId } },
        }).catch((e: unknown) =>
          this.#io?.emitError(toEhcError(e, 'DEVICE_DISCONNECTED', 'could not acknowledge a scan')),
        );
        if (!this.options.dedupe.accept(s.bootId, s.scanSeq)) {
          this.stats.duplicates++;
          return;
        }
        const { event, valid } = nativeScanEvent(s, firstNs, lastNs);
        this.stats.scans++;
        this.#io?.emitScan(event);
        if (!valid) {
          const msg = `a ${s.payload.length}-byte payload is neither valid UTF-8 nor valid GBK`;
          this.#io?.emitError(new NativeDriverError('DEVICE_PAYLOAD_CHARSET', msg));
        }
        return;
      }
      case 'reply':
        this.#uploads.onReply(b.value);
        this.#pending.settle(b.value);
        return;
      case 'heartbeat':
        this.stats.heartbeats++;
        return;
      case 'imageChunk':
        this.#uploads.onChunk(b.value);
        return;
      case 'event':
        if (b.value.kind === 'queue-overflow') {
          this.stats.lostScans = b.value.lostScans;
          this.#io?.emitError(
            new NativeDriverError('NATIVE_SCANS_LOST', `device dropped ${b.value.lostScans} scans so far`),
          );
        }
        return;
      default:
        return;
    }
  }

  #onDeviceInfo(info: DeviceInfoMessage): void {
    const previous = this.#info;
    this.#info = info;
    const hello = this.#hello;
    if (hello && info.replyTo === hello.seq) {
      this.#hello = undefined;
      hello.cancel();
      hello.resolve(info);
      return;
    }
    if (hello) return;
    // Announced unsolicited: the device rebooted or the link came back. Re-apply what the host set.
    this.#supervise();
    if (previous && previous.bootId !== info.bootId && this.#wantEnabled !== undefined) {
      this.enable(this.#wantEnabled).catch((e: unknown) =>
        this.#io?.emitError(toEhcError(e, 'NATIVE_COMMAND_FAILED', 'could not restore the enable state')),
      );
    }
  }

  #supervise(): void {
    const io = this.#io;
    if (!io) return;
    this.#watch.start(io, this.#info?.heartbeatIntervalMs ?? 0, this.options.heartbeatMissFactor, (ms) => {
      this.stats.heartbeatsMissed++;
      io.emitError(
        new NativeDriverError('NATIVE_HEARTBEAT_MISSED', `nothing heard from the device for over ${ms} ms`),
      );
    });
  }
}

/** The registry's entry point: one driver per connection (share `dedupe` across them). */
export function createNativeDriver(options: NativeDriverOptions = {}): NativeDriver {
  return new NativeDriver(options);
}
