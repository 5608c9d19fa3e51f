import type { HsmCommand } from '../../protocol/hsm/commands.js';
import { unavailable } from './results.js';
import type { HsmResult, HsmUnavailable } from './types.js';

/** Turns a reply body into the call's result. Exceptions count as a malformed reply. */
export type ReplyParser<T> = (body: Buffer, endpoint: string) => HsmResult<T>;

/** What holds a call while it is in flight (a connection), so a timeout can release its id. */
export interface CallHolder {
  forget(call: Call<unknown>): void;
}

/**
 * One request from issue to result. Its deadline (registered by the pool when dispatched, see
 * deadlines.ts) covers everything — waiting for a connection, the round trip: whatever happens,
 * `resolve` is called exactly once, by the deadline at the latest.
 */
export class Call<T> {
  /** The request id on the connection it was sent on (0 until sent). */
  id = 0;
  endpoint: string | undefined;
  holder: CallHolder | undefined;
  /** Monotonic instant its request was written to the socket (0n until then). */
  sentNs = 0n;
  private done = false;

  constructor(
    readonly cmd: HsmCommand,
    /** The encoded request; its id is written in when sent. */
    readonly frame: Buffer,
    private readonly parse: ReplyParser<T>,
    private readonly resolve: (r: HsmResult<T>) => void,
    readonly timeoutMs: number,
    private readonly onTimeout: () => void,
    /** See `HsmCallOptions.onRoundTrip`. */
    readonly onRoundTrip?: (ms: number) => void,
  ) {}

  get settled(): boolean {
    return this.done;
  }

  /** The reply arrived (in the chunk read at `rxNs`). */
  reply(body: Buffer, rxNs = 0n): void {
    if (this.done) return;
    if (this.onRoundTrip !== undefined && this.sentNs !== 0n && rxNs >= this.sentNs) {
      try {
        this.onRoundTrip(Number(rxNs - this.sentNs) / 1e6);
      } catch {
        // A timing sink must not turn an answer into a failure.
      }
    }
    const endpoint = this.endpoint ?? '';
    let r: HsmResult<T>;
    try {
      r = this.parse(body, endpoint);
    } catch {
      r = unavailable('malformed-reply', 'reply could not be read', { endpoint });
    }
    this.settle(r);
  }

  fail(r: HsmUnavailable): void {
    this.settle(r);
  }

  /** The deadline passed: ends the call `unavailable` (`timeout`) and releases its request id. */
  expire(): void {
    if (this.done) return;
    this.holder?.forget(this as Call<unknown>);
    this.onTimeout();
    this.settle(
      unavailable(
        'timeout',
        `no answer within ${this.timeoutMs} ms`,
        this.endpoint === undefined ? {} : { endpoint: this.endpoint },
      ),
    );
  }

  private settle(r: HsmResult<T>): void {
    if (this.done) return;
    this.done = true;
    this.holder = undefined;
    this.resolve(r);
  }
}
