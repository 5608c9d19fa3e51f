import { type DeviceEnvelope, type DeviceMessage, nextSeq } from '../../protocol/device/messages.js';
import { DeviceStreamDecoder, type DeviceStreamStats } from '../../protocol/device/stream.js';
import { encodeDeviceFrame } from '../../protocol/device/wire.js';
import type { HalTransport } from '../hal/types.js';

/**
 * The runtime's end of the host link: numbers outgoing envelopes (1, 2, … from each link-up),
 * frames them and hands them to the HAL transport; decodes incoming bytes, skipping and counting
 * garbage, oversize and corrupt frames (the device keeps running whatever the host sends).
 */
export class RuntimeLink {
  readonly #transport: HalTransport;
  readonly #decoder: DeviceStreamDecoder;
  readonly #maxPayloadBytes: number;
  #seq = 0;
  #up = false;
  /** Frames written, and frames the transport refused because the link was down. */
  sent = 0;
  refused = 0;

  constructor(transport: HalTransport, maxPayloadBytes: number) {
    this.#transport = transport;
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#decoder = new DeviceStreamDecoder({ maxPayloadBytes });
  }

  get up(): boolean {
    return this.#up;
  }

  get decodeStats(): DeviceStreamStats {
    return this.#decoder.stats;
  }

  /** The link came up (or went down): the envelope counter restarts, partial input is dropped. */
  setUp(up: boolean): void {
    this.#up = up;
    this.#seq = 0;
    this.#decoder.reset();
  }

  /** Sends one message; returns its envelope seq, or undefined when the link is down. */
  send(body: DeviceMessage): number | undefined {
    if (!this.#up) return undefined;
    const seq = nextSeq(this.#seq);
    const frame = encodeDeviceFrame({ seq, body }, this.#maxPayloadBytes);
    if (!this.#transport.write(frame)) {
      this.refused++;
      return undefined;
    }
    this.#seq = seq;
    this.sent++;
    return seq;
  }

  /** Decodes received bytes into envelopes; rejected frames are only counted. */
  receive(bytes: Uint8Array): DeviceEnvelope[] {
    const out: DeviceEnvelope[] = [];
    for (const r of this.#decoder.push(bytes)) if (r.ok) out.push(r.value.envelope);
    return out;
  }
}
