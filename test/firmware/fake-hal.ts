import { MemoryStorage } from '../../firmware-sdk/hal/memory.js';
import type { DecodedSymbol, Hal, HalImage, HalLinkHandlers } from '../../firmware-sdk/hal/types.js';
import type {
  CommandMessage,
  DeviceEnvelope,
  DeviceMessage,
  DeviceMessageCase,
  MessageOf,
} from '../../protocol/device/index.js';
import { DeviceStreamDecoder, encodeDeviceFrame, nextSeq } from '../../protocol/device/index.js';
import { ManualClock } from './manual-clock.js';

/**
 * A HAL whose transport is a synchronous in-memory host: what the device writes is decoded into
 * `received`; `send()` delivers host envelopes. Decoder, beeper, LED and system record calls.
 */
export class FakeHal implements Hal {
  readonly clock = new ManualClock();
  readonly storage = new MemoryStorage();
  readonly beeps: { kind: string; count: number }[] = [];
  readonly leds: { kind: string; durationMs: number }[] = [];
  readonly received: DeviceEnvelope[] = [];
  reboots = 0;
  active = false;
  image: HalImage | undefined = {
    format: 'grey8',
    width: 4,
    height: 3,
    data: Uint8Array.from({ length: 12 }, (_, i) => i),
  };
  #handlers: HalLinkHandlers | undefined;
  #onSymbol: ((s: DecodedSymbol) => void) | undefined;
  #up = false;
  #hostSeq = 0;
  readonly #decoder = new DeviceStreamDecoder({ maxPayloadBytes: 65535 });

  readonly transport = {
    open: (h: HalLinkHandlers) => {
      this.#handlers = h;
      if (this.#up) h.up();
    },
    write: (bytes: Uint8Array) => {
      if (!this.#up) return false;
      for (const r of this.#decoder.push(bytes)) if (r.ok) this.received.push(r.value.envelope);
      return true;
    },
    close: () => {
      this.#handlers = undefined;
    },
  };

  readonly decoder = {
    open: (fn: (s: DecodedSymbol) => void) => {
      this.#onSymbol = fn;
    },
    setActive: (a: boolean) => {
      this.active = a;
    },
    capture: async () => this.image,
    selfTest: async () => ({ name: 'decoder', passed: true, detail: 'fake' }),
    close: () => {
      this.#onSymbol = undefined;
    },
  };

  readonly beeper = { beep: (kind: 'good' | 'bad', count: number) => void this.beeps.push({ kind, count }) };
  readonly led = {
    set: (kind: 'good' | 'bad' | 'off', durationMs: number) => void this.leds.push({ kind, durationMs }),
  };
  readonly system = { reboot: () => void this.reboots++, random32: () => 0x1234 + this.reboots };

  link(up: boolean): void {
    this.#up = up;
    if (up) this.#handlers?.up();
    else this.#handlers?.down();
  }

  /** Shows a symbol to the imager (the runtime ignores it while inactive). */
  show(payload: string | Uint8Array, symbology: DecodedSymbol['symbology'] = 'qr_code'): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.#onSymbol?.({ payload: bytes, symbology });
  }

  /** Sends raw bytes as the host. */
  sendBytes(bytes: Uint8Array): void {
    this.#handlers?.data(bytes);
  }

  /** Sends one host envelope; returns its seq. */
  send(body: DeviceMessage): number {
    this.#hostSeq = nextSeq(this.#hostSeq);
    this.sendBytes(encodeDeviceFrame({ seq: this.#hostSeq, body }));
    return this.#hostSeq;
  }

  command(value: CommandMessage): number {
    return this.send({ case: 'command', value });
  }

  /** Lets promise-based command handlers finish. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  of<C extends DeviceMessageCase>(c: C): MessageOf<C>[] {
    const out: MessageOf<C>[] = [];
    for (const e of this.received) if (e.body.case === c) out.push(e.body.value as MessageOf<C>);
    return out;
  }

  replyTo(seq: number) {
    return this.of('reply').find((r) => r.replyTo === seq);
  }
}
