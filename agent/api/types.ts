/**
 * Contracts of the local API for kiosk applications. Types only; behaviour is in doc comments.
 *
 * The API reads the running agent only through `AgentRuntime` (agent/types.ts) and accounts only
 * through `AdminService` (agent/admin). Every response body is JSON except `GET /metrics`
 * (Prometheus text); every error is `{ "error": { "code", "message" } }` with a stable code and
 * never a stack trace or personal data.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdminService } from '../admin/index.js';
import type { LogLevelControl } from '../log/logger.js';
import type { AgentRuntime } from '../types.js';
import type { HttpLimits } from './http-limits.js';

/** A kiosk application's credential. `name` appears in the audit log; `token` never does. */
export interface KioskToken {
  readonly name: string;
  /** At least 16 characters; must not start with `ehcs_` (that prefix marks admin sessions). */
  readonly token: string;
}

/**
 * The editable configuration behind `GET/PUT /admin/config`. `get` returns it with secrets
 * removed; `put` validates and applies a whole new document, returning the effective one, or
 * throws an `EhcError` whose code and message are safe to show (answered as HTTP 400).
 */
export interface ConfigStore {
  get(): Readonly<Record<string, unknown>>;
  put(next: Readonly<Record<string, unknown>>): Promise<Readonly<Record<string, unknown>>>;
}

export interface TlsMaterial {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly ca?: string | Buffer;
  readonly passphrase?: string;
}

export interface ApiServerOptions {
  readonly runtime: AgentRuntime;
  /** Accounts for `/admin/*` and operator sessions. The caller opens and closes it. */
  readonly admin: AdminService;
  /**
   * Kiosk tokens. A bare string is named `token-<n>` (1-based position) in the audit log. An empty
   * list means only user sessions can use the kiosk routes.
   */
  readonly tokens: readonly (KioskToken | string)[];
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; `listen()` reports the one chosen). */
  readonly port?: number;
  /** Serve HTTPS (and WSS) with this certificate. */
  readonly tls?: TlsMaterial;
  /**
   * Binding a non-loopback address without `tls` is refused (spec §5.1.1-6/7) unless this is set;
   * then a warning is logged at start.
   */
  readonly allowInsecureRemote?: boolean;
  /** `GET /health` without a token (default true) and `GET /metrics` without one (default false). */
  readonly open?: { readonly health?: boolean; readonly metrics?: boolean };
  /** When absent, `GET /admin/config` shows `runtime.publicConfig()` and `PUT` answers 405. */
  readonly configStore?: ConfigStore;
  /** The agent logger's level, switchable by an admin (`GET`/`PUT /admin/log-level`). */
  readonly logLevel?: LogLevelControl;
  /** Default: a silent logger. */
  readonly logger?: Logger;
  /** Largest `GET /scans?limit=` (default 500). */
  readonly maxScans?: number;
  /** A WebSocket client this far behind (bytes queued) is disconnected (default 1 MiB). */
  readonly maxWsBufferedBytes?: number;
  /** Server timeouts and header limits (agent/api/http-limits.ts for the defaults). */
  readonly limits?: Partial<HttpLimits>;
  /**
   * Origins (`scheme://host:port`) besides the agent's own whose pages may call the API (a kiosk
   * app served elsewhere). Default none: every other `Origin` is refused (origin-policy.ts).
   */
  readonly allowedOrigins?: readonly string[];
}

export interface ApiServer {
  /** Starts listening; resolves with the base URL (`http://127.0.0.1:PORT` or `https://…`). */
  listen(): Promise<{ readonly url: string }>;
  /** Stops accepting, closes WebSocket clients and unsubscribes from the runtime. Idempotent. */
  close(): Promise<void>;
  /** The fastify instance, for `inject` in tests and for adding routes in the composition root. */
  readonly fastify: FastifyInstance;
}
