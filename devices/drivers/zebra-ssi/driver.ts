import { isEhcErrorCode } from '../../../protocol/errors.js';
import { payloadFields } from '../../text/index.js';
import type {
  BeepKind,
  DeviceInfo,
  DisconnectCause,
  Driver,
  DriverIo,
  DriverStats,
  LedKind,
  MonoNs,
} from '../../types.js';
import { disconnectedError } from '../common/command-slot.js';
import { zeroDriverStats } from '../common/stats.js';
import { encodeSsiPacket, type SsiDecodeEvent, SsiDecoder, type SsiPacket } from './codec.js';
import { type SsiCommand, SsiCommander } from './commander.js';
import {
  SSI_BEEP_NONE,
  SSI_DECODER_OPCODES,
  SSI_PARAM_DECODE_FORMAT,
  SSI_SOURCE_DECODER,
  SSI_SOURCE_HOST,
  SSI_WAKEUP,
  SsiNakCause,
  SsiOpcode,
  SsiStatus,
} from './constants.js';
import { SsiError } from './errors.js';
import { encodeParams, type ResolvedSsiOptions, resolveSsiOptions, type ZebraSsiOptions } from './options.js';
import { SsiReassembler } from './reassembly.js';
import { ssiSymbology, ssiVendorCode } from './symbology.js';

const HOST_ACK = encodeSsiPacket({
  opcode: SsiOpcode.CMD_ACK,
  source: SSI_SOURCE_HOST,
  status: 0,
  data: new Uint8Array(0),
});
const HOST_NAK_RESEND = encodeSsiPacket({
  opcode: SsiOpcode.CMD_NAK,
  source: SSI_SOURCE_HOST,
  status: 0,
  data: Uint8Array.of(SsiNakCause.RESEND),
});

/**
 * Zebra SSI host driver. `start()` wakes the decoder, reads its revision (the probe), and switches
 * decode data to packets with a temporary PARAM_SEND 0xEE = 1 — the device ships sending raw text,
 * which is skipped and counted until then. Every decoder packet but ACK/NAK is acknowledged; a
 * resent packet (retransmit bit) that equals the last one accepted is a duplicate and is only
 * re-acknowledged. Multi-packet decode data is reassembled before it becomes one scan.
 */
export class ZebraSsiDriver implements Driver {
  readonly name = 'zebra-ssi' as const;
  readonly capabilities = { trigger: true, beep: true, led: true, identity: true } as const;
  readonly stats: DriverStats = zeroDriverStats();
  private readonly opts: ResolvedSsiOptions;
  private readonly decoder = new SsiDecoder(SSI_SOURCE_DECODER);
  private readonly reassembler: SsiReassembler;
  private io: DriverIo | undefined;
  private commander: SsiCommander | undefined;
  private lastAccepted: Uint8Array | undefined;
  private cancelStale: (() => void) | undefined;
  private cancelMessage: (() => void) | undefined;
  private gone: SsiError | undefined;
  /** Ends the wake-up pause early when the connection goes (its timer is cancelled with it). */
  private abortWait: ((e: SsiError) => void) | undefined;

  constructor(options: ZebraSsiOptions = {}) {
    this.opts = resolveSsiOptions(options);
    this.reassembler = new SsiReassembler(this.opts.maxMessageBytes);
  }

  async start(io: DriverIo): Promise<DeviceInfo> {
    this.io = io;
    this.commander = new SsiCommander({
      write: (b) => io.write(b),
      setTimer: (ms, fn) => io.setTimer(ms, fn),
      responseTimeoutMs: this.opts.responseTimeoutMs,
      maxResends: this.opts.maxResends,
      onResend: () => this.stats.retries++,
      onNak: () => this.stats.naks++,
    });
    if (this.opts.wakeup) {
      await io.write(Uint8Array.of(SSI_WAKEUP));
      await new Promise<void>((resolve, reject) => {
        const cancel = io.setTimer(this.opts.wakeupDelayMs, () => {
          this.abortWait = undefined;
          resolve();
        });
        this.abortWait = (e) => {
          cancel();
          reject(e);
        };
      });
    }
    let reply: SsiPacket | undefined;
    try {
      reply = await this.commander.run({
        label: 'REQUEST_REVISION',
        opcode: SsiOpcode.REQUEST_REVISION,
        reply: SsiOpcode.REPLY_REVISION,
      });
    } catch (e) {
      if (isEhcErrorCode(e, 'DEVICE_TIMEOUT')) {
        throw new SsiError('DEVICE_NO_ANSWER', 'no SSI answer to REQUEST_REVISION', { cause: e });
      }
      throw e;
    }
    await this.commander.run({
      label: 'PARAM_SEND',
      opcode: SsiOpcode.PARAM_SEND,
      permanent: this.opts.permanentParams,
      data: Uint8Array.from([
        SSI_BEEP_NONE,
        SSI_PARAM_DECODE_FORMAT,
        0x01,
        ...encodeParams(this.opts.connectParams),
      ]),
    });
    const revision = ascii(reply?.data ?? new Uint8Array(0));
    return { vendor: 'Zebra', model: this.opts.model, firmware: revision, serial: '' };
  }

  receive(chunk: Uint8Array, atNs: MonoNs): void {
    if (this.gone) return;
    this.handle(this.decoder.push(chunk, atNs));
    this.cancelStale?.();
    this.cancelStale = undefined;
    if (this.decoder.pending > 0 && this.io) {
      this.cancelStale = this.io.setTimer(this.opts.interByteTimeoutMs, () => this.onStale());
    }
  }

  reset(cause: DisconnectCause): void {
    this.cancelStale?.();
    this.cancelMessage?.();
    this.cancelStale = this.cancelMessage = undefined;
    const heldBytes = this.decoder.reset() > 0;
    const heldMessage = this.reassembler.reset();
    if (heldBytes || heldMessage) this.stats.partialDropped++;
    this.gone = disconnectedError(SsiError, 'SSI', cause);
    this.commander?.close(this.gone);
    this.abortWait?.(this.gone);
    this.abortWait = undefined;
  }

  enable(on: boolean): Promise<void> {
    return this.command(
      on
        ? { label: 'SCAN_ENABLE', opcode: SsiOpcode.SCAN_ENABLE }
        : { label: 'SCAN_DISABLE', opcode: SsiOpcode.SCAN_DISABLE },
    );
  }

  trigger(on: boolean): Promise<void> {
    return this.command(
      on
        ? { label: 'START_SESSION', opcode: SsiOpcode.START_SESSION }
        : { label: 'STOP_SESSION', opcode: SsiOpcode.STOP_SESSION },
    );
  }

  beep(kind: BeepKind): Promise<void> {
    const code = kind === 'good' ? this.opts.beepCodes.good : this.opts.beepCodes.bad;
    return this.command({ label: 'BEEP', opcode: SsiOpcode.BEEP, data: Uint8Array.of(code) });
  }

  led(kind: LedKind): Promise<void> {
    const { good, bad } = this.opts.ledMasks;
    if (kind === 'off')
      return this.command({ label: 'LED_OFF', opcode: SsiOpcode.LED_OFF, data: Uint8Array.of(good | bad) });
    const mask = kind === 'good' ? good : bad;
    return this.command({ label: 'LED_ON', opcode: SsiOpcode.LED_ON, data: Uint8Array.of(mask) });
  }

  private async command(cmd: SsiCommand): Promise<void> {
    if (this.gone) throw this.gone;
    if (!this.commander) throw new SsiError('DEVICE_NOT_STARTED', `SSI ${cmd.label} before start()`);
    await this.commander.run(cmd);
  }

  private handle(events: SsiDecodeEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'skipped') {
        this.stats.bytesSkipped += ev.count;
        this.error('DEVICE_FRAMING', `skipped ${ev.count} bytes that are not SSI packets`);
      } else if (ev.type === 'bad-checksum') {
        this.stats.badFrames++;
        this.error('DEVICE_FRAMING', `SSI packet 0x${ev.opcode.toString(16)} with a bad checksum`);
        const isAckOrNak = ev.opcode === SsiOpcode.CMD_ACK || ev.opcode === SsiOpcode.CMD_NAK;
        if (this.opts.nakOnBadChecksum && SSI_DECODER_OPCODES.has(ev.opcode) && !isAckOrNak) {
          this.lastAccepted = undefined; // the device's resend is not a duplicate of anything we took
          this.send(HOST_NAK_RESEND);
        }
      } else {
        this.onPacket(ev.packet, ev.firstNs, ev.lastNs);
      }
    }
  }

  private onPacket(p: SsiPacket, firstNs: bigint, lastNs: bigint): void {
    if (p.opcode === SsiOpcode.CMD_ACK || p.opcode === SsiOpcode.CMD_NAK) {
      this.commander?.onPacket(p);
      return;
    }
    const sig = signature(p);
    if ((p.status & SsiStatus.RETRANSMIT) !== 0 && this.lastAccepted && sameBytes(sig, this.lastAccepted)) {
      this.stats.duplicates++;
      this.send(HOST_ACK);
      return;
    }
    this.lastAccepted = sig;
    this.send(HOST_ACK);
    if (this.commander?.onPacket(p)) return;
    if (p.opcode === SsiOpcode.DECODE_DATA) this.onDecodeData(p, firstNs, lastNs);
  }

  private onDecodeData(p: SsiPacket, firstNs: bigint, lastNs: bigint): void {
    const r = this.reassembler.accept(p, firstNs);
    this.cancelMessage?.();
    this.cancelMessage = undefined;
    if (this.reassembler.inProgress) {
      // The next packet is due within the device's resend window; after that the message is lost.
      const ms = this.opts.responseTimeoutMs * (this.opts.maxResends + 2);
      this.cancelMessage = this.io?.setTimer(ms, () => {
        this.cancelMessage = undefined;
        if (this.reassembler.reset()) {
          this.stats.partialDropped++;
          this.error('DEVICE_FRAMING', 'SSI multi-packet decode data stopped before its last packet');
        }
      });
    }
    if (r.type === 'empty-packet') {
      this.error('DEVICE_BAD_REPLY', 'SSI DECODE_DATA without a barcode type byte');
    } else if (r.type === 'too-large') {
      this.stats.partialDropped++;
      this.error(
        'DEVICE_MESSAGE_TOO_LARGE',
        `SSI decode data over ${this.opts.maxMessageBytes} bytes dropped`,
      );
    }
    if (r.type !== 'complete') return;
    const { valid: _valid, ...fields } = payloadFields(r.data, {
      vendorSymbology: ssiSymbology(r.barcodeType),
    });
    this.stats.scans++;
    this.io?.emitScan({
      ...fields,
      vendorCode: ssiVendorCode(r.barcodeType),
      firstByteNs: r.firstNs,
      lastByteNs: lastNs,
    });
  }

  private onStale(): void {
    this.cancelStale = undefined;
    const { events, dropped } = this.decoder.flush();
    if (dropped > 0) {
      this.stats.partialDropped++;
      this.stats.bytesSkipped += dropped;
      this.error('DEVICE_FRAMING', `dropped ${dropped} bytes of an SSI packet that never completed`);
    }
    this.handle(events);
  }

  private send(bytes: Uint8Array): void {
    this.io?.write(bytes).catch((e: unknown) => {
      this.error('DEVICE_DISCONNECTED', 'SSI handshake write failed', e);
    });
  }

  private error(code: SsiError['code'], message: string, cause?: unknown): void {
    this.io?.emitError(new SsiError(code, message, cause === undefined ? undefined : { cause }));
  }
}

function signature(p: SsiPacket): Uint8Array {
  const out = new Uint8Array(p.data.length + 2);
  out[0] = p.opcode;
  out[1] = p.status & ~SsiStatus.RETRANSMIT;
  out.set(p.data, 2);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
  return s.trim();
}
