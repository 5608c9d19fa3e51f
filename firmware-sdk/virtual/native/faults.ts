import { type CommandOp, type DeviceMessage, nextSeq } from '../../../protocol/device/messages.js';
import { DeviceStreamDecoder } from '../../../protocol/device/stream.js';
import { encodeDeviceFrame } from '../../../protocol/device/wire.js';
import type { DeviceEngine, DeviceSink, ScanRequest } from '../types.js';

/**
 * Deliberately broken terminals, for proving that the conformance suite catches each defect
 * (and only that one):
 * - `never-resend`: drops every re-sent scan (attempt > 1);
 * - `ignore-command`: never answers commands with operation `op`;
 * - `slow-heartbeat`: sends only one heartbeat in `factor` (default 3), while announcing the
 *   nominal interval.
 */
export type TerminalFault =
  | { readonly kind: 'never-resend' }
  | { readonly kind: 'ignore-command'; readonly op: CommandOp }
  | { readonly kind: 'slow-heartbeat'; readonly factor?: number };

/**
 * Wraps an engine and applies one fault. Outgoing envelopes are decoded, filtered and re-numbered
 * (so a dropped frame leaves no sequence gap); incoming ones are decoded and filtered.
 */
export class FaultyEngine implements DeviceEngine {
  readonly protocol: string;
  readonly inner: DeviceEngine;
  readonly fault: TerminalFault;
  readonly #out = new DeviceStreamDecoder();
  readonly #in = new DeviceStreamDecoder();
  #seq = 0;
  #heartbeats = 0;
  #dropped = 0;

  constructor(inner: DeviceEngine, fault: TerminalFault) {
    this.inner = inner;
    this.protocol = inner.protocol;
    this.fault = fault;
  }

  get identity() {
    return this.inner.identity;
  }

  get state(): Readonly<Record<string, unknown>> {
    return { ...this.inner.state, fault: this.fault.kind, droppedByFault: this.#dropped };
  }

  attach(sink: DeviceSink | undefined): void {
    this.#seq = 0;
    this.#out.reset();
    this.#in.reset();
    if (!sink) {
      this.inner.attach(undefined);
      return;
    }
    this.inner.attach((bytes) => {
      for (const r of this.#out.push(bytes)) {
        if (!r.ok || this.#dropOut(r.value.envelope.body)) continue;
        this.#seq = nextSeq(this.#seq);
        sink(encodeDeviceFrame({ seq: this.#seq, body: r.value.envelope.body }));
      }
    });
  }

  receive(data: Uint8Array): void {
    for (const r of this.#in.push(data)) {
      if (!r.ok) continue;
      const b = r.value.envelope.body;
      if (this.fault.kind === 'ignore-command' && b.case === 'command' && b.value.op === this.fault.op) {
        this.#dropped++;
        continue;
      }
      this.inner.receive(encodeDeviceFrame(r.value.envelope));
    }
  }

  scan(request: ScanRequest): void {
    this.inner.scan(request);
  }

  #dropOut(b: DeviceMessage): boolean {
    const f = this.fault;
    let drop = false;
    if (f.kind === 'never-resend') drop = b.case === 'scan' && b.value.attempt > 1;
    if (f.kind === 'slow-heartbeat' && b.case === 'heartbeat')
      drop = this.#heartbeats++ % (f.factor ?? 3) !== 0;
    if (drop) this.#dropped++;
    return drop;
  }
}
