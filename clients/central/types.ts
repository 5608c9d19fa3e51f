import type { CentralDialect } from '../../protocol/central/dialect.js';

/**
 * The central-service client's contract.
 *
 * Every call resolves (never rejects for network or peer trouble, never hangs past its timeout)
 * to exactly one of:
 * - `success`: a verified reply with the dialect's success code and a biz object valid for the
 *   method — the only answer a caller may treat as positive;
 * - `failure`: a verified reply with the failure code: a definite "no", with `errCode`;
 * - `unavailable`: no trustworthy answer (timeout, connection refused or reset, HTTP error
 *   without a verifiable reply, malformed or unverifiable reply, unknown result code). Callers
 *   fail closed on it.
 * A call rejects only for programming errors (a biz object invalid for its method).
 */
export type UnavailableReason =
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'http-status'
  | 'reply-too-large'
  | 'malformed-reply'
  | 'unverifiable-reply';

export type CentralResult<T> =
  | { readonly status: 'success'; readonly biz: T; readonly msg: string; readonly elapsedMs: number }
  | {
      readonly status: 'failure';
      readonly errCode?: string;
      readonly msg: string;
      readonly elapsedMs: number;
    }
  | {
      readonly status: 'unavailable';
      readonly reason: UnavailableReason;
      /** Safe to log: no secrets, no personal data. */
      readonly message: string;
      readonly cause?: unknown;
      readonly elapsedMs: number;
    };

export interface CentralClientOptions {
  /** The service endpoint (one URL for every method, e.g. `https://host/erhc/ehealthcard/business.do`). */
  readonly url: string;
  /**
   * Standby instances of the same service, in order of preference (default none). A call that
   * failed before it can have reached the server — or, for the idempotent query / usecarddate /
   * register, before any reply — is sent once more to the next URL; a `verify` that may have
   * reached a server is never re-sent (it consumes a single-use code). See retry.ts.
   */
  readonly standbyUrls?: readonly string[];
  /** While on a standby, the primary is probed (by an idempotent call) at most this often (default 5000 ms). */
  readonly failbackMs?: number;
  readonly appId: string;
  /** 16 ASCII characters: SM4 key and digest secret. */
  readonly appSecret: string;
  /** This terminal's id (term_id). */
  readonly termId: string;
  /** Envelope `version` (default 1.0.0). */
  readonly version?: string;
  /** Per-call deadline covering connect, request, and reading the whole reply (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Largest reply body read (default 1 MiB). */
  readonly maxReplyBytes?: number;
  /** Allowed |clock − reply timestamp| (default 5 min). */
  readonly replyMaxSkewMs?: number;
  readonly dialect?: CentralDialect;
  /** ms since the epoch (default Date.now); stamps requests, checks replies, times fail-back. */
  readonly clock?: () => number;
  /** Injectable transport (default the global fetch, which keeps connections alive). */
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  /** Overrides the client's timeout for this call. */
  readonly timeoutMs?: number;
  /** Cancels the call; it then resolves as `unavailable` / `aborted`. */
  readonly signal?: AbortSignal;
}

/** `CentralClient.health()`: what the calls so far say about the service (times in the client's clock, ms). */
export interface CentralHealth {
  readonly activeUrl: string;
  /** Undefined before any call ended; else whether the latest outcome was an answer (not unavailable). */
  readonly available: boolean | undefined;
  readonly lastAnswerAt?: number;
  readonly lastUnavailableAt?: number;
  readonly lastUnavailableReason?: UnavailableReason;
}
