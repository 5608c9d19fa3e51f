import { randomInt } from 'node:crypto';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { peekId } from '../../protocol/hsm/codec.js';
import { FrameDecoder } from '../../protocol/hsm/framing.js';
import { TLS_POLICY } from '../../protocol/net/tls-policy.js';
import type { Call, CallHolder } from './call.js';
import { formatEndpoint } from './endpoint.js';
import { HsmClientError } from './errors.js';
import { unavailable } from './results.js';
import type { HsmClientTls, HsmEndpoint, HsmUnavailableReason } from './types.js';

export interface ConnectionOptions {
  readonly endpoint: HsmEndpoint;
  readonly tls?: HsmClientTls | undefined;
  readonly connectTimeoutMs: number;
  readonly maxFrameLength: number;
}

export interface ConnectionEvents {
  /** The connection is gone; its in-flight calls have already been failed. */
  closed(conn: HsmConnection): void;
  /** A reply matched no call in flight (it timed out, or its header was garbled). */
  lateReply(): void;
}

/**
 * One socket to one cipher machine, pipelining many calls: each gets a fresh u32 request id
 * (the frame header), replies are matched by id in any order. Frames written in the same tick go
 * out in one socket write. When the socket closes — for any reason — every call still in flight
 * ends `unavailable` at once.
 */
export class HsmConnection implements CallHolder {
  readonly name: string;
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** When a frame last arrived (ms since the epoch); heartbeats skip busy connections. */
  lastRxMs = 0;
  /**
   * Set when a sibling connection to the same machine was lost: the pool sends no new calls here
   * until a call sent after that (a heartbeat) is answered, so calls are not fed to a machine that
   * may have died.
   */
  suspect = false;
  /** True once closed by the peer or by a failure, false when closed on purpose. */
  lost = false;
  private readonly witnesses = new Set<number>();
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Call<unknown>>();
  /**
   * Ids start at a random u32 on each connection, so a reply recorded on an earlier connection and
   * replayed on a new one matches no call (a reply is accepted only for the id in flight).
   */
  private nextId = randomInt(0, 2 ** 32 - 1);
  private readonly out: Buffer[] = [];
  /** Calls in `out` that want their round trip timed (stamped when written). */
  private readonly timed: Call<unknown>[] = [];
  /** When the chunk being decoded arrived. */
  private rxNs = 0n;
  private outBytes = 0;
  private flushQueued = false;
  private closeReason: { reason: HsmUnavailableReason; message: string } | undefined;
  private readonly flushBound = (): void => this.flush();
  private markClosed: () => void = () => {};
  /** Resolves once the socket has closed. */
  readonly whenClosed: Promise<void> = new Promise((resolve) => {
    this.markClosed = resolve;
  });
  private readonly frameBound = (body: Buffer): void => this.frame(body);

  private constructor(
    opts: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.name = formatEndpoint(opts.endpoint);
    this.decoder = new FrameDecoder({ maxFrameLength: opts.maxFrameLength });
    const { host, port } = opts.endpoint;
    if (opts.tls) {
      const servername = opts.tls.servername ?? (isIP(host) === 0 ? host : undefined);
      this.socket = tlsConnect({
        host,
        port,
        ca: opts.tls.ca,
        cert: opts.tls.cert,
        key: opts.tls.key,
        ...TLS_POLICY,
        ...(servername === undefined ? {} : { servername }),
      });
    } else {
      this.socket = netConnect({ host, port });
    }
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.data(chunk));
    this.socket.on('error', () => {
      // 'close' follows and fails what is in flight; the error itself is reported by open().
    });
    this.socket.on('close', () => this.closed());
  }

  /** Connects (TLS handshake included) within the timeout; rejects with HsmClientError. */
  static open(opts: ConnectionOptions, events: ConnectionEvents): Promise<HsmConnection> {
    const c = new HsmConnection(opts, events);
    return new Promise((resolve, reject) => {
      const ready = opts.tls ? 'secureConnect' : 'connect';
      const fail = (e: HsmClientError): void => {
        clearTimeout(timer);
        c.socket.off(ready, onReady);
        c.socket.destroy();
        reject(e);
      };
      const onError = (e: Error): void =>
        fail(new HsmClientError('HSM_CLIENT_CONNECT_FAILED', `cannot connect to ${c.name}`, { cause: e }));
      const onReady = (): void => {
        clearTimeout(timer);
        c.socket.off('error', onError);
        c.state = 'open';
        c.lastRxMs = Date.now();
        resolve(c);
      };
      const timer = setTimeout(
        () =>
          fail(
            new HsmClientError(
              'HSM_CLIENT_CONNECT_TIMEOUT',
              `no connection to ${c.name} within ${opts.connectTimeoutMs} ms`,
            ),
          ),
        opts.connectTimeoutMs,
      );
      c.socket.once(ready, onReady);
      c.socket.once('error', onError);
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends a call (the connection must be open). */
  send(call: Call<unknown>): void {
    let id = (this.nextId + 1) >>> 0;
    while (this.pending.has(id)) id = (id + 1) >>> 0;
    this.nextId = id;
    call.frame.writeUInt32BE(id, 2);
    call.id = id;
    call.endpoint = this.name;
    call.holder = this;
    this.pending.set(id, call);
    if (this.suspect) this.witnesses.add(id);
    this.out.push(call.frame);
    this.outBytes += call.frame.length;
    if (call.onRoundTrip !== undefined) this.timed.push(call);
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flushBound);
    }
  }

  forget(call: Call<unknown>): void {
    if (this.pending.get(call.id) === call) this.pending.delete(call.id);
  }

  /** See `suspect`. */
  markSuspect(): void {
    this.suspect = true;
    this.witnesses.clear();
  }

  /** Closes the socket; calls in flight end `unavailable` with `reason`. */
  close(reason: HsmUnavailableReason, message: string): void {
    this.closeReason ??= { reason, message };
    this.socket.destroy();
  }

  private flush(): void {
    this.flushQueued = false;
    const n = this.out.length;
    if (n === 0) return;
    if (this.state === 'open') {
      if (this.timed.length > 0) {
        const at = process.hrtime.bigint();
        for (const c of this.timed) c.sentNs = at;
      }
      this.socket.write(n === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes));
    }
    this.out.length = 0;
    this.timed.length = 0;
    this.outBytes = 0;
  }

  private data(chunk: Buffer): void {
    this.lastRxMs = Date.now();
    this.rxNs = process.hrtime.bigint();
    try {
      this.decoder.push(chunk, this.frameBound);
    } catch (e) {
      this.closeReason ??= { reason: 'malformed-reply', message: `malformed frame from ${this.name}` };
      this.socket.destroy(
        new HsmClientError('HSM_CLIENT_MALFORMED_STREAM', 'bad frame length', { cause: e }),
      );
    }
  }

  private frame(body: Buffer): void {
    const call = this.pending.get(peekId(body)!);
    if (call === undefined) {
      this.events.lateReply();
      return;
    }
    this.pending.delete(call.id);
    if (this.suspect && this.witnesses.has(call.id)) {
      this.suspect = false;
      this.witnesses.clear();
    }
    call.reply(body, this.rxNs);
  }

  private closed(): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.out.length = 0;
    this.timed.length = 0;
    this.lost = this.closeReason?.reason !== 'closed';
    const why = this.closeReason ?? {
      reason: 'connection-lost' as const,
      message: `connection to ${this.name} lost`,
    };
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const c of calls) c.fail(unavailable(why.reason, why.message, { endpoint: this.name }));
    if (wasOpen) this.events.closed(this);
    this.markClosed();
  }
}
