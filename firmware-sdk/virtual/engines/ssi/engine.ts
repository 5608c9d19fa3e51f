import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';
import { DeviceOutbox, type Outgoing } from './outbox.js';
import {
  CONTINUATION,
  devicePacket,
  HostFramer,
  NAK_BAD_CONTEXT,
  NAK_RESEND,
  Op,
  PERMANENT,
  RETRANSMIT,
  type WirePacket,
} from './wire.js';

/**
 * A virtual Zebra SSI decoder. Factory state: decode data sent RAW (unpacketed, `rawSuffix`
 * appended), ACK/NAK handshaking on. It answers every host packet with CMD_ACK (or its reply),
 * NAK RESEND on a bad checksum, NAK BAD_CONTEXT on an unknown opcode; it sends DECODE_DATA in
 * packets of at most `maxPacketData` data bytes (type byte repeated in each, continuation bit on
 * all but the last) and waits for the host's ACK before each next packet (multipacket option 1),
 * resending with the retransmit bit on NAK RESEND or, given a timer, after the response time-out
 * (twice, then it gives up: `state.commErrors`). Temporary parameters are lost on unplug.
 */
export interface SsiEngineOptions {
  readonly identity?: Partial<VirtualDeviceIdentity>;
  /** REPLY_REVISION text. */
  readonly revision?: string;
  /** Start in packet mode (as if 0xEE = 1 had been written permanently). Default false (factory). */
  readonly packetMode?: boolean;
  /** Appended to raw decode data in factory mode. Default CR LF. */
  readonly rawSuffix?: Uint8Array;
  /** DECODE_DATA bytes per packet, including the type byte. Default 251 (LEN 0xFF). */
  readonly maxPacketData?: number;
  /** `host`: decodes only in a START_SESSION session. Default `presentation`. */
  readonly triggerMode?: 'presentation' | 'host';
  /** Without it the device never resends on its own (only on NAK RESEND). */
  readonly setTimer?: (ms: number, fn: () => void) => () => void;
  readonly responseTimeoutMs?: number;
}

const TYPE_FOR: Record<NonNullable<ScanRequest['symbology']>, number> = {
  qr_code: 0x1c,
  data_matrix: 0x1b,
  code_128: 0x03,
  pdf417: 0x11,
};

export class SsiEngine implements DeviceEngine {
  readonly protocol = 'zebra-ssi';
  readonly identity: VirtualDeviceIdentity;
  private readonly opts: Required<Omit<SsiEngineOptions, 'identity' | 'setTimer'>>;
  private readonly framer = new HostFramer();
  private sink: DeviceSink | undefined;
  private readonly permanentParams = new Map<number, number>();
  private params = new Map<number, number>();
  private readonly outbox: DeviceOutbox;
  private lastCommand: string | undefined;
  private nakNextCause: number | undefined;
  private readonly st = {
    scanEnabled: true,
    sessionActive: false,
    beeps: [] as number[],
    ledMask: 0,
    wakeups: 0,
    naksSent: 0,
    resends: 0,
    commErrors: 0,
    ignoredScans: 0,
    permanentWrites: 0,
    commands: [] as number[],
  };

  constructor(options: SsiEngineOptions = {}) {
    this.opts = {
      revision: options.revision ?? 'NBRFMAAC 6 00 17',
      packetMode: options.packetMode ?? false,
      rawSuffix: options.rawSuffix ?? Uint8Array.of(0x0d, 0x0a),
      maxPacketData: options.maxPacketData ?? 251,
      triggerMode: options.triggerMode ?? 'presentation',
      responseTimeoutMs: options.responseTimeoutMs ?? 2000,
    };
    if (this.opts.maxPacketData < 2 || this.opts.maxPacketData > 251) {
      throw new RangeError('maxPacketData must be 2–251');
    }
    this.outbox = new DeviceOutbox({
      send: (bytes) => this.sink?.(bytes),
      setTimer: options.setTimer,
      timeoutMs: this.opts.responseTimeoutMs,
      onResend: () => this.st.resends++,
      onGiveUp: () => this.st.commErrors++,
    });
    this.identity = {
      vendor: 'Zebra',
      model: 'DS4308 (virtual)',
      firmware: this.opts.revision,
      serial: 'VSSI-0001',
      vid: 0x05e0,
      pid: 0x1701,
      ...options.identity,
    };
    if (this.opts.packetMode) this.permanentParams.set(0xee, 1);
    this.params = new Map(this.permanentParams);
  }

  get state(): Readonly<Record<string, unknown>> {
    return {
      ...this.st,
      beeps: [...this.st.beeps],
      commands: [...this.st.commands],
      packetMode: this.packetMode,
      params: Object.fromEntries(this.params),
      pendingPackets: this.outbox.pending,
    };
  }

  /** Knob: answer the next host command with CMD_NAK and this cause. */
  nakNext(cause: number): void {
    this.nakNextCause = cause;
  }

  attach(sink: DeviceSink | undefined): void {
    this.sink = sink;
    if (sink) return;
    // Power gone: temporary parameters, the queue and any partial host packet are lost.
    this.framer.clear();
    this.outbox.clear();
    this.lastCommand = undefined;
    this.params = new Map(this.permanentParams);
    this.st.sessionActive = false;
    this.st.scanEnabled = true;
  }

  receive(data: Uint8Array): void {
    this.framer.push(data, {
      packet: (p) => this.onHostPacket(p),
      badChecksum: () => this.nak(NAK_RESEND),
      wakeup: () => this.st.wakeups++,
      skipped: () => undefined,
    });
  }

  scan(request: ScanRequest): void {
    const hostTriggered = this.opts.triggerMode === 'host';
    if (!this.st.scanEnabled || (hostTriggered && !this.st.sessionActive)) {
      this.st.ignoredScans++;
      return;
    }
    if (hostTriggered) this.st.sessionActive = false;
    if (!this.packetMode) {
      const out = new Uint8Array(request.payload.length + this.opts.rawSuffix.length);
      out.set(request.payload);
      out.set(this.opts.rawSuffix, request.payload.length);
      this.sink?.(out);
      return;
    }
    const type = TYPE_FOR[request.symbology ?? 'qr_code'];
    const per = this.opts.maxPacketData - 1;
    const payload = Array.from(request.payload);
    for (let at = 0; at < Math.max(payload.length, 1); at += per) {
      const last = at + per >= payload.length;
      this.enqueue({
        opcode: Op.DECODE_DATA,
        status: last ? 0 : CONTINUATION,
        data: [type, ...payload.slice(at, at + per)],
      });
    }
  }

  private get packetMode(): boolean {
    return this.params.get(0xee) === 1;
  }

  private onHostPacket(p: WirePacket): void {
    if (p.opcode === Op.CMD_ACK) {
      this.outbox.ack();
      return;
    }
    if (p.opcode === Op.CMD_NAK) {
      this.outbox.nak(p.data[0] ?? 0);
      return;
    }
    const key = [p.opcode, p.status & ~RETRANSMIT, ...p.data].join(',');
    const repeat = (p.status & RETRANSMIT) !== 0 && key === this.lastCommand;
    this.lastCommand = key;
    if (this.nakNextCause !== undefined) {
      const cause = this.nakNextCause;
      this.nakNextCause = undefined;
      this.lastCommand = undefined;
      this.nak(cause);
      return;
    }
    if (!repeat) this.st.commands.push(p.opcode);
    this.execute(p, repeat);
  }

  /** Runs one host command. A resend of the command just run (`repeat`) is answered, not re-run. */
  private execute(p: WirePacket, repeat: boolean): void {
    switch (p.opcode) {
      case Op.REQUEST_REVISION:
        this.enqueue({
          opcode: Op.REPLY_REVISION,
          status: 0,
          data: [...Buffer.from(this.opts.revision, 'latin1')],
        });
        break;
      case Op.PARAM_SEND:
        this.ack(); // sent under the old settings; the new ones apply from the next transaction
        if (!repeat) this.applyParams(p);
        break;
      case Op.PARAM_DEFAULTS:
        this.ack();
        this.permanentParams.clear();
        this.params = new Map();
        break;
      case Op.SCAN_ENABLE:
      case Op.SCAN_DISABLE:
        this.st.scanEnabled = p.opcode === Op.SCAN_ENABLE;
        this.ack();
        break;
      case Op.START_SESSION:
      case Op.STOP_SESSION:
        this.st.sessionActive = p.opcode === Op.START_SESSION;
        this.ack();
        break;
      case Op.BEEP:
        if (!repeat) this.st.beeps.push(p.data[0] ?? 0);
        this.ack();
        break;
      case Op.LED_ON:
        this.st.ledMask |= p.data[0] ?? 0;
        this.ack();
        break;
      case Op.LED_OFF:
        this.st.ledMask &= ~(p.data[0] ?? 0);
        this.ack();
        break;
      default:
        this.lastCommand = undefined;
        this.nak(NAK_BAD_CONTEXT);
    }
  }

  private applyParams(p: WirePacket): void {
    const permanent = (p.status & PERMANENT) !== 0;
    if (permanent) this.st.permanentWrites++;
    const d = p.data.slice(1); // beep code first
    for (let i = 0; i + 1 < d.length; ) {
      let param = d[i]!;
      i++;
      if (param >= 0xf0 && param <= 0xf2) {
        param = (param - 0xf0 + 1) * 256 + d[i]!;
        i++;
      }
      const value = d[i];
      i++;
      if (value === undefined) break;
      this.params.set(param, value);
      if (permanent) this.permanentParams.set(param, value);
    }
  }

  private ack(): void {
    this.sink?.(devicePacket(Op.CMD_ACK, 0, []));
  }

  private nak(cause: number): void {
    this.st.naksSent++;
    this.sink?.(devicePacket(Op.CMD_NAK, 0, [cause]));
  }

  private enqueue(out: Outgoing): void {
    this.outbox.enqueue(out);
  }
}
