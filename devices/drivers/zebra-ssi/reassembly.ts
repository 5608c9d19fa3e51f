import type { SsiPacket } from './codec.js';
import { SsiStatus } from './constants.js';

/**
 * Multi-packet DECODE_DATA reassembly. Every packet's DATA starts with the barcode type byte; the
 * continuation status bit says more packets of this message follow. The type byte is stripped from
 * each packet and the rest concatenated. The message is capped (checked before growing).
 */
export type ReassemblyResult =
  | {
      readonly type: 'complete';
      readonly barcodeType: number;
      readonly data: Uint8Array;
      readonly packets: number;
      readonly firstNs: bigint;
    }
  | { readonly type: 'partial' }
  /** A packet of a message already dropped as too large; discarded up to that message's last. */
  | { readonly type: 'discarded' }
  | { readonly type: 'empty-packet' }
  | { readonly type: 'too-large'; readonly bytes: number };

export class SsiReassembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private barcodeType = 0;
  private firstNs = 0n;
  private discarding = false;

  constructor(private readonly maxBytes: number) {}

  get inProgress(): boolean {
    return this.parts.length > 0 || this.discarding;
  }

  accept(packet: SsiPacket, firstNs: bigint): ReassemblyResult {
    const continued = (packet.status & SsiStatus.CONTINUATION) !== 0;
    if (this.discarding) {
      this.discarding = continued;
      return { type: 'discarded' };
    }
    if (packet.data.length < 1) {
      this.reset();
      return { type: 'empty-packet' };
    }
    const body = packet.data.subarray(1);
    if (this.size + body.length > this.maxBytes) {
      const bytes = this.size + body.length;
      this.reset();
      this.discarding = continued;
      return { type: 'too-large', bytes };
    }
    if (this.parts.length === 0) {
      this.barcodeType = packet.data[0]!;
      this.firstNs = firstNs;
    }
    this.parts.push(body);
    this.size += body.length;
    if (continued) return { type: 'partial' };
    const data = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      data.set(p, at);
      at += p.length;
    }
    const result = {
      type: 'complete' as const,
      barcodeType: this.barcodeType,
      data,
      packets: this.parts.length,
      firstNs: this.firstNs,
    };
    this.reset();
    return result;
  }

  /** Drops a message in progress; returns whether there was one. */
  reset(): boolean {
    const had = this.parts.length > 0 || this.discarding;
    this.discarding = false;
    this.parts = [];
    this.size = 0;
    return had;
  }
}
