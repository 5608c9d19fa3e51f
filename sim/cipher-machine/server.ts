import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { pino } from 'pino';
import { TLS_POLICY } from '../../protocol/net/tls-policy.js';
import { type CipherMachineOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { MachineConnection } from './connection.js';
import { CipherMachineError } from './errors.js';
import { faultsActive, type HsmFaults, parseFaults } from './faults.js';
import type { HandlerContext } from './handlers.js';
import { KeyStore } from './key-store.js';

export interface CloseOptions {
  /**
   * 0 (default): destroy every connection at once (in-flight requests are lost, like a crash).
   * More: stop accepting, end connections gracefully, destroy what is left after graceMs.
   */
  readonly graceMs?: number;
}

/**
 * The soft cipher machine: a TCP (or TLS, client certificate required) server speaking the
 * protocol/hsm command set. Start with `CipherMachineServer.start(options)`.
 */
export class CipherMachineServer {
  readonly config: ResolvedConfig;
  private readonly server: Server;
  private readonly keys: KeyStore;
  private readonly ctx: HandlerContext;
  private readonly conns = new Set<MachineConnection>();
  private activeFaults: HsmFaults | undefined;
  private closing: Promise<void> | undefined;
  private bound = { host: '', port: 0 };

  private constructor(opts: CipherMachineOptions) {
    this.config = resolveConfig(opts);
    this.keys = opts.keys instanceof KeyStore ? opts.keys : new KeyStore(opts.keys);
    const logger = opts.logger ?? pino({ level: 'silent' });
    this.ctx = { keys: this.keys, config: this.config, logger, setFaults: (f) => this.setFaults(f) };
    if (opts.faults) this.setFaults(opts.faults);
    const onSocket = (socket: Socket): void => {
      const conn = new MachineConnection(
        socket,
        { ctx: this.ctx, faults: () => this.activeFaults, closed: (c) => this.conns.delete(c) },
        this.config.maxFrameLength,
      );
      if (this.closing) conn.stop(false);
      else this.conns.add(conn);
      logger.debug({ remote: socket.remoteAddress, port: socket.remotePort }, 'connection');
    };
    if (opts.tls) {
      const tls = createTlsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ca: opts.tls.ca,
          requestCert: true,
          rejectUnauthorized: true,
          ...TLS_POLICY,
        },
        onSocket,
      );
      tls.on('tlsClientError', (e) => logger.warn({ err: e }, 'TLS handshake refused'));
      this.server = tls;
    } else {
      this.server = createNetServer({ noDelay: true }, onSocket);
    }
  }

  /** Validates the options, listens, logs one `ready` line, and resolves once listening. */
  static async start(opts: CipherMachineOptions): Promise<CipherMachineServer> {
    const s = new CipherMachineServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
        s.server.off('error', reject);
        const a = s.server.address();
        if (a !== null && typeof a === 'object') s.bound = { host: a.address, port: a.port };
        resolve();
      });
    });
    // After listening, a server error (e.g. out of file descriptors) is logged, not thrown.
    s.server.on('error', (e) => s.ctx.logger.error({ err: e }, 'server error'));
    const { host, port } = s.address();
    s.ctx.logger.info(
      { host, port, tls: opts.tls !== undefined, identity: s.config.identity, keys: s.keys.summary() },
      'ready',
    );
    return s;
  }

  /** Where it listens (still answered after `close`, for restarting on the same address). */
  address(): { host: string; port: number } {
    return this.bound;
  }

  /** `host:port`, for clients. */
  get endpoint(): string {
    const { host, port } = this.address();
    return `${host}:${port}`;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  get faults(): HsmFaults {
    return this.activeFaults ?? {};
  }

  /** Replaces the active faults (`{}` clears them). Takes effect for the next request. */
  setFaults(f: HsmFaults): void {
    const r = parseFaults(f);
    if (!r.ok) throw new CipherMachineError('CIPHER_MACHINE_BAD_CONFIG', `invalid faults: ${r.error}`);
    this.activeFaults = faultsActive(r.value) ? r.value : undefined;
    this.ctx.logger.info({ faults: r.value }, 'faults set');
  }

  /** Stops listening and ends connections; key bytes are wiped once closed. Idempotent. */
  close(opts: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? 0);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const graceful = graceMs > 0;
    for (const c of this.conns) c.stop(graceful);
    if (graceful && this.conns.size > 0) {
      const t = setTimeout(() => {
        for (const c of this.conns) c.stop(false);
      }, graceMs);
      await listening;
      clearTimeout(t);
    } else {
      await listening;
    }
    this.keys.destroy();
    this.ctx.logger.info('closed');
  }
}
