import { connect, createServer, type Server, type Socket } from 'node:net';
import { EhcError } from '../../protocol/errors.js';

export interface ProxyUpstream {
  readonly host: string;
  readonly port: number;
}

export interface TcpProxyOptions {
  /** Where connections go, in order of preference: each new connection takes the first that accepts. */
  readonly upstreams: readonly ProxyUpstream[];
  /** Loopback by default. */
  readonly host?: string;
  /** 0 (default): any free port; kept across `cut()` / `restore()`. */
  readonly port?: number;
  /** How long one upstream may take to accept before the next is tried (default 1000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * `failover` (default): each connection tries the upstreams in order. `round-robin`: each new
   * connection starts at the next upstream (then tries the others), spreading load like a
   * load balancer.
   */
  readonly balance?: 'failover' | 'round-robin';
}

export interface TcpProxyStats {
  accepted: number;
  /** Connections that found no upstream and were reset. */
  refused: number;
  /** Connections per upstream (`host:port`). */
  readonly byUpstream: Record<string, number>;
}

const name = (u: ProxyUpstream): string => `${u.host}:${u.port}`;

/**
 * A byte-level TCP relay the lab (and certification against a target) puts between a system and its peer, to cut the link
 * (spec §5.2-4), to fail over between instances (§5.5-1: each new connection goes to the first
 * upstream that accepts, like a load balancer's health check), or to slow the replies down
 * (broken-target tests). TLS passes through untouched: the peers authenticate each other end to
 * end, the proxy sees only ciphertext.
 *
 * `cut()` stops listening and resets every relayed connection: to the system it looks like a
 * pulled cable or a powered-off machine (refused connects). `restore()` listens again on the same
 * port. A connection whose upstream dies is reset too, so clients see the failure at once.
 */
export class TcpProxy {
  readonly stats: TcpProxyStats = { accepted: 0, refused: 0, byUpstream: {} };
  /** Added before relaying each reply chunk (upstream → client), ms. */
  latencyMs = 0;
  private upstreams: readonly ProxyUpstream[];
  private readonly pairs = new Set<Socket>();
  private server: Server | undefined;
  private boundPort = 0;
  private readonly host: string;
  private readonly connectTimeoutMs: number;

  private constructor(opts: TcpProxyOptions) {
    if (opts.upstreams.length === 0) throw new EhcError('LAB_CONFIG', 'a proxy needs an upstream');
    this.upstreams = opts.upstreams;
    this.host = opts.host ?? '127.0.0.1';
    this.boundPort = opts.port ?? 0;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 1000;
    this.roundRobin = opts.balance === 'round-robin';
  }

  private readonly roundRobin: boolean;
  private nextStart = 0;

  static async start(opts: TcpProxyOptions): Promise<TcpProxy> {
    const p = new TcpProxy(opts);
    await p.listen();
    return p;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `host:port` clients connect to. */
  get endpoint(): string {
    return `${this.host}:${this.boundPort}`;
  }

  get address(): ProxyUpstream {
    return { host: this.host, port: this.boundPort };
  }

  get isCut(): boolean {
    return this.server === undefined;
  }

  /** Whether the relay is half-open (see `halfOpen`). */
  get isHalfOpen(): boolean {
    return this.stalled;
  }

  /**
   * The peer stops reading: every relayed socket is paused (nothing is read from either side, so
   * what the client writes piles up in the kernel's buffers and nothing is forwarded or
   * answered), no socket is closed or reset, and new connections are accepted and left hanging.
   * `resume()` reads and forwards again, including what piled up. Idempotent.
   */
  halfOpen(): void {
    if (this.stalled) return;
    this.stalled = true;
    for (const s of this.pairs) s.pause();
  }

  /** Ends `halfOpen`: sockets read again and hanging connections are relayed. Idempotent. */
  resume(): void {
    if (!this.stalled) return;
    this.stalled = false;
    // Hanging connections stay paused until relayed: resumed before their relay listens, the
    // bytes they hold would be emitted to nobody.
    const waiting = this.hanging.splice(0);
    for (const s of this.pairs) if (!waiting.includes(s)) s.resume();
    for (const c of waiting) if (!c.destroyed) this.route(c);
  }

  private stalled = false;
  private readonly hanging: Socket[] = [];

  /** Relayed connections open now. */
  get open(): number {
    return this.pairs.size;
  }

  setUpstreams(upstreams: readonly ProxyUpstream[]): void {
    if (upstreams.length === 0) throw new EhcError('LAB_CONFIG', 'a proxy needs an upstream');
    this.upstreams = upstreams;
  }

  /** Stops listening and resets every relayed connection. Idempotent. */
  async cut(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.pairs) sock.resetAndDestroy();
    this.pairs.clear();
    this.hanging.length = 0;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Listens again on the same port. Idempotent. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (c) => this.accept(c));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(
          new EhcError('LAB_SETUP', `proxy cannot listen on ${this.host}:${this.boundPort}`, {
            cause: e,
          }),
        ),
      );
      server.listen(this.boundPort, this.host, () => resolve());
    });
    const a = server.address();
    if (typeof a === 'object' && a !== null) this.boundPort = a.port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.stats.accepted++;
    client.on('error', () => {});
    this.pairs.add(client);
    client.on('close', () => this.pairs.delete(client));
    if (this.stalled) this.hanging.push(client);
    else this.route(client);
  }

  private route(client: Socket): void {
    const start = this.roundRobin ? this.nextStart++ % this.upstreams.length : 0;
    void this.connectUpstream(0, client, start);
  }

  /** Tries upstream `(start + i) % n`, the `i`-th attempt of this connection. */
  private connectUpstream(i: number, client: Socket, start = 0): void {
    const target =
      i < this.upstreams.length ? this.upstreams[(start + i) % this.upstreams.length] : undefined;
    if (target === undefined || client.destroyed || this.server === undefined) {
      this.stats.refused++;
      client.resetAndDestroy();
      return;
    }
    const up = connect({ host: target.host, port: target.port, noDelay: true });
    const timer = setTimeout(
      () => up.destroy(new EhcError('LAB_PROXY', 'upstream connect timeout')),
      this.connectTimeoutMs,
    );
    let connected = false;
    up.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      const key = name(target);
      this.stats.byUpstream[key] = (this.stats.byUpstream[key] ?? 0) + 1;
      this.relay(client, up);
    });
    up.on('error', () => {});
    up.once('close', () => {
      clearTimeout(timer);
      if (!connected) this.connectUpstream(i + 1, client, start);
    });
  }

  private relay(client: Socket, up: Socket): void {
    this.pairs.add(up);
    const later = (fn: () => void): void => {
      if (this.latencyMs > 0) setTimeout(fn, this.latencyMs);
      else fn();
    };
    // A reset upstream resets the client; a graceful close ends it after the data relayed so far.
    up.on('close', (hadError: boolean) => {
      this.pairs.delete(up);
      later(() => (hadError ? client.resetAndDestroy() : client.end()));
    });
    client.on('close', () => up.resetAndDestroy());
    client.on('data', (d: Buffer) => up.write(d));
    client.on('end', () => up.end());
    up.on('data', (d: Buffer) => later(() => client.writable && client.write(d)));
    if (this.stalled) up.pause();
    else client.resume();
  }
}
