import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CipherMachine } from '../../clients/hsm/types.js';
import type { CentralDialect } from '../../protocol/central/dialect.js';
import type { CentralStore } from '../../storage/central/contract.js';
import { SqliteCentralStore } from '../../storage/central/sqlite-store.js';
import { type CentralConfig, DEFAULT_CENTRAL_CONFIG } from './config.js';
import { CentralDispatcher, type DispatcherStats } from './dispatcher.js';
import { buildHttpApp, CENTRAL_API_PATH } from './http-app.js';
import { createCentralLogger } from './logger.js';
import { UsedCodePruner } from './pruner.js';

export interface CentralServiceOptions {
  /** The cipher machine (a `createHsmClient` client, or a fake in unit tests). Not closed by `close()`. */
  readonly hsm: CipherMachine;
  readonly config?: CentralConfig;
  /** SQLite file, or `:memory:` (default). Ignored when `store` is given. */
  readonly db?: string;
  /** A ready store (e.g. PostgreSQL); the service closes it on `close()` only if it opened it. */
  readonly store?: CentralStore;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** HTTPS when given (PEM). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** The service clock (default `Date.now`): tests inject a fake one. */
  readonly now?: () => number;
  /** Default: pino on stdout at `config.log.level`. */
  readonly logger?: Logger;
  readonly dialect?: CentralDialect;
  /** How often expired used-code rows are deleted, ms (default 10 000; 0 = never). */
  readonly pruneIntervalMs?: number;
  /**
   * Request replay detection: `memory` (this instance only) or `store` (shared by every instance
   * on the database). Default: `store` on PostgreSQL, `memory` on SQLite.
   */
  readonly replay?: 'memory' | 'store';
}

export interface CentralServiceHandle {
  /** The envelope endpoint, e.g. `http://127.0.0.1:41234/api`: what a client is configured with. */
  readonly url: string;
  /** `http(s)://host:port`, for `/healthz`, `/noop` and `/admin/…`. */
  readonly origin: string;
  readonly store: CentralStore;
  readonly logger: Logger;
  stats(): DispatcherStats;
  /** Online backup of all central data to `file`. */
  backup(file: string): Promise<void>;
  /** Replaces all central data with the backup in `file`. */
  restore(file: string): Promise<void>;
  /** Stops listening, closes open connections, and closes the store it opened. Idempotent. */
  close(): Promise<void>;
}

/** Used-code rows are kept this long past the end of their code's window before being deleted. */
const PRUNE_MARGIN_MS = 60_000;

/**
 * Starts the central EHC service: registers the configured terminals, listens, and returns once
 * the port is bound.
 */
export async function startCentralService(options: CentralServiceOptions): Promise<CentralServiceHandle> {
  const config = options.config ?? DEFAULT_CENTRAL_CONFIG;
  const now = options.now ?? Date.now;
  const log = options.logger ?? createCentralLogger(config.log.level);
  const ownsStore = options.store === undefined;
  const store =
    options.store ??
    SqliteCentralStore.open(options.db ?? ':memory:', {
      onCheckpointError: (info) => log.warn({ err: info }, 'WAL checkpoint failed'),
    });
  try {
    for (const t of config.terminals) await store.upsertTerminal(t);
    const deps = { store, hsm: options.hsm, config };
    const replay = options.replay ?? (store.kind === 'postgres' ? 'store' : 'memory');
    const dispatcher = new CentralDispatcher(deps, {
      now,
      log,
      replay,
      ...(options.dialect === undefined ? {} : { dialect: options.dialect }),
    });
    const app = buildHttpApp({
      dispatcher,
      store,
      hsm: options.hsm,
      config,
      log,
      now,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.dialect === undefined ? {} : { dialect: options.dialect }),
    });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const addr = app.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const origin = `${options.tls === undefined ? 'http' : 'https'}://${host}:${addr.port}`;

    // A code generated before the cutoff can no longer pass the window check (lifetime + skew).
    const { lifetimeS, skewS } = config.validity;
    const pruner = new UsedCodePruner(store, () => now() - (lifetimeS + skewS) * 1000 - PRUNE_MARGIN_MS, log);
    const pruneEvery = options.pruneIntervalMs ?? 10_000;
    if (pruneEvery > 0) pruner.start(pruneEvery);
    // Shared request digests are needed only while their timestamp is inside the window.
    const windowMs = config.requestWindowS * 1000;
    const digestPruner =
      replay === 'store' && pruneEvery > 0
        ? setInterval(() => {
            store.pruneRequests(now() - windowMs - PRUNE_MARGIN_MS).catch((e: unknown) => {
              log.warn(
                { err: { name: e instanceof Error ? e.name : 'error' } },
                'request digest prune failed',
              );
            });
          }, pruneEvery).unref()
        : undefined;

    let closing: Promise<void> | undefined;
    return {
      url: `${origin}${CENTRAL_API_PATH}`,
      origin,
      store,
      logger: log,
      stats: () => dispatcher.stats(),
      backup: (file) => store.backup(file),
      restore: (file) => store.restore(file),
      close: () => {
        closing ??= (async () => {
          await pruner.stop();
          if (digestPruner !== undefined) clearInterval(digestPruner);
          await app.close();
          if (ownsStore) await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    if (ownsStore) await store.close();
    throw e;
  }
}
