import type { Call } from './call.js';
import { HsmConnection } from './connection.js';
import { Deadlines } from './deadlines.js';
import { formatEndpoint } from './endpoint.js';
import { HsmClientError } from './errors.js';
import { probe } from './probe.js';
import { unavailable } from './results.js';
import type { HsmClientStatus, HsmClientTls, HsmEndpoint } from './types.js';

export interface PoolOptions {
  readonly endpoints: readonly HsmEndpoint[];
  readonly tls: HsmClientTls | undefined;
  readonly poolSize: number;
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly failbackMs: number;
  readonly maxQueued: number;
  readonly maxFrameLength: number;
}

interface EndpointState {
  readonly endpoint: HsmEndpoint;
  readonly name: string;
  readonly conns: HsmConnection[];
  opening: number;
  up: boolean;
  /** No background growth before this time (after a failed extra connection). */
  growAfterMs: number;
}

type Counters = { -readonly [K in keyof HsmClientStatus['counters']]: number };

/**
 * Connections to the cipher machines, primary first. New calls go to the *active* endpoint's
 * least-busy open connection. With none open, calls wait (bounded by their own timeouts and
 * `maxQueued`) while the pool connects: to the active endpoint first, then the others in order of
 * preference; the first that accepts becomes active (failover) and gets the waiting calls. If none
 * accepts, the waiting calls end `connect-failed` at once. Calls in flight on a connection that
 * dies end `connection-lost`; they are not retried (one retry layer: the caller's).
 * Heartbeats (NC) probe idle connections and close dead ones; while on a standby, the preferred
 * endpoints are probed every `failbackMs` and the first healthy one becomes active (fail-back).
 */
export class HsmPool {
  readonly counters: Counters = { timeouts: 0, failovers: 0, failbacks: 0, lateReplies: 0 };
  private readonly eps: EndpointState[];
  private active = 0;
  private readonly queue: Call<unknown>[] = [];
  private connecting: Promise<void> | undefined;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly listeners = new Set<(s: HsmClientStatus) => void>();
  private last = { active: '', available: false };
  private probing = false;
  private readonly deadlines = new Deadlines();

  constructor(private readonly o: PoolOptions) {
    this.eps = o.endpoints.map((endpoint) => ({
      endpoint,
      name: formatEndpoint(endpoint),
      conns: [],
      opening: 0,
      up: false,
      growAfterMs: 0,
    }));
    this.last = { active: this.eps[0]!.name, available: false };
    if (o.heartbeatMs > 0) this.every(o.heartbeatMs, () => this.heartbeat());
    if (this.eps.length > 1) this.every(o.failbackMs, () => void this.failback());
    void this.ensureConnected();
  }

  readonly onTimeout = (): void => {
    this.counters.timeouts++;
  };

  /** Takes a new call: its deadline starts now. */
  dispatch(call: Call<unknown>): void {
    this.deadlines.add(call, call.timeoutMs);
    this.route(call);
  }

  private route(call: Call<unknown>): void {
    if (this.closed) {
      call.fail(unavailable('closed', 'cipher-machine client is closed'));
      return;
    }
    const conn = this.pick();
    if (conn) {
      conn.send(call);
      this.grow();
      return;
    }
    if (this.queue.length >= this.o.maxQueued) this.pruneQueue();
    if (this.queue.length >= this.o.maxQueued) {
      call.fail(unavailable('overloaded', `${this.queue.length} calls already wait for a connection`));
      return;
    }
    this.queue.push(call);
    void this.ensureConnected();
  }

  status(): HsmClientStatus {
    const a = this.eps[this.active]!;
    return {
      active: a.name,
      available: a.conns.some((c) => !c.suspect),
      endpoints: this.eps.map((e) => ({
        endpoint: e.name,
        up: e.up,
        connections: e.conns.length,
        inFlight: e.conns.reduce((n, c) => n + c.inFlight, 0),
      })),
      counters: { ...this.counters },
    };
  }

  onStatusChange(listener: (s: HsmClientStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.queue.splice(0)) c.fail(unavailable('closed', 'cipher-machine client is closed'));
    const all = this.eps.flatMap((e) => e.conns.splice(0));
    for (const c of all) c.close('closed', 'cipher-machine client is closed');
    await Promise.all(all.map((c) => c.whenClosed));
    if (this.connecting) await this.connecting;
    this.deadlines.clear();
    this.listeners.clear();
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private pick(): HsmConnection | undefined {
    let best: HsmConnection | undefined;
    for (const c of this.eps[this.active]!.conns) {
      if (!c.suspect && (best === undefined || c.inFlight < best.inFlight)) best = c;
    }
    return best;
  }

  /** Opens more connections to the active endpoint, in the background, up to `poolSize`. */
  private grow(): void {
    const ep = this.eps[this.active]!;
    if (ep.conns.length + ep.opening >= this.o.poolSize || this.closed || Date.now() < ep.growAfterMs) return;
    this.openOn(ep).catch(() => {
      ep.growAfterMs = Date.now() + 1000;
    });
  }

  private ensureConnected(): Promise<void> {
    this.connecting ??= this.connectLoop().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectLoop(): Promise<void> {
    const order = [this.active, ...this.eps.keys()].filter((i, k, a) => a.indexOf(i) === k);
    for (const i of order) {
      if (this.closed) return;
      const ep = this.eps[i]!;
      // With no trusted connection, a fresh one tests the machine (refused when it is gone).
      if (!ep.conns.some((c) => !c.suspect)) {
        try {
          await this.openOn(ep);
        } catch {
          continue;
        }
      }
      this.switchTo(i);
      this.drain();
      return;
    }
    for (const c of this.queue.splice(0)) {
      c.fail(unavailable('connect-failed', 'no cipher-machine endpoint accepts connections'));
    }
    this.emitStatus();
  }

  /** Drops queued calls that have already ended (timed out while waiting). */
  private pruneQueue(): void {
    const live = this.queue.filter((c) => !c.settled);
    this.queue.length = 0;
    this.queue.push(...live);
  }

  private drain(): void {
    for (const c of this.queue.splice(0)) if (!c.settled) this.route(c);
  }

  private async openOn(ep: EndpointState): Promise<HsmConnection> {
    ep.opening++;
    try {
      const conn = await HsmConnection.open(
        {
          endpoint: ep.endpoint,
          tls: this.o.tls,
          connectTimeoutMs: this.o.connectTimeoutMs,
          maxFrameLength: this.o.maxFrameLength,
        },
        { closed: (c) => this.connClosed(ep, c), lateReply: () => this.counters.lateReplies++ },
      );
      if (this.closed) {
        conn.close('closed', 'cipher-machine client is closed');
        throw new HsmClientError('HSM_CLIENT_CONNECT_FAILED', 'client closed while connecting');
      }
      ep.conns.push(conn);
      ep.up = true;
      this.emitStatus();
      return conn;
    } catch (e) {
      ep.up = ep.conns.length > 0;
      throw e;
    } finally {
      ep.opening--;
    }
  }

  private connClosed(ep: EndpointState, conn: HsmConnection): void {
    const i = ep.conns.indexOf(conn);
    if (i >= 0) ep.conns.splice(i, 1);
    // One connection lost: the machine may be gone; trust its other connections again only once
    // they answer (see HsmConnection.suspect).
    if (conn.lost && !this.closed) {
      for (const c of ep.conns) {
        c.markSuspect();
        this.check(c, ep);
      }
    }
    this.emitStatus();
  }

  private switchTo(i: number): void {
    if (i === this.active) return;
    if (i > this.active) this.counters.failovers++;
    else this.counters.failbacks++;
    this.active = i;
    this.emitStatus();
  }

  private emitStatus(): void {
    if (this.closed) return;
    const s = this.status();
    if (s.active === this.last.active && s.available === this.last.available) return;
    this.last = { active: s.active, available: s.available };
    for (const l of this.listeners) {
      try {
        l(s);
      } catch {
        // A listener's failure is its own; the pool carries on.
      }
    }
  }

  /** Probes a connection; closes it if the machine does not answer. */
  private check(conn: HsmConnection, ep: EndpointState): void {
    void probe(conn, this.deadlines, this.o.timeoutMs).then((alive) => {
      if (!alive) conn.close('connection-lost', `heartbeat to ${ep.name} failed`);
      else this.drain();
    });
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const [i, ep] of this.eps.entries()) {
      for (const conn of [...ep.conns]) {
        // Connections left on a former endpoint are closed once idle.
        if (i !== this.active && conn.inFlight === 0) {
          conn.close('closed', 'endpoint no longer active');
          continue;
        }
        if (!conn.suspect && now - conn.lastRxMs < this.o.heartbeatMs) continue;
        this.check(conn, ep);
      }
    }
    if (!this.eps[this.active]!.conns.some((c) => !c.suspect)) void this.ensureConnected();
  }

  private async failback(): Promise<void> {
    if (this.active === 0 || this.probing || this.closed) return;
    this.probing = true;
    try {
      for (let i = 0; i < this.active; i++) {
        const ep = this.eps[i]!;
        let conn = ep.conns[0];
        if (conn === undefined) {
          try {
            conn = await this.openOn(ep);
          } catch {
            continue;
          }
        }
        if (await probe(conn, this.deadlines, this.o.timeoutMs)) {
          this.switchTo(i);
          return;
        }
      }
    } finally {
      this.probing = false;
    }
  }
}
