import type { Logger } from 'pino';
import { type CentralDialect, PROVINCIAL_DIALECT } from '../../protocol/central/dialect.js';
import type { CentralReplyEnvelope } from '../../protocol/central/envelope.js';
import { isEhcError } from '../../protocol/errors.js';
import { maskFreeText } from '../../protocol/privacy/mask.js';
import type { CentralApp } from './config.js';
import {
  type AuthenticatedRequest,
  authenticate,
  type Outcome,
  sealOutcome,
  unsignedRefusal,
} from './envelope.js';
import { CENTRAL_ERROR_CODES, CentralError, isCentralError } from './errors.js';
import { METHOD_TABLE } from './methods/table.js';
import type { MethodDeps } from './methods/types.js';
import { ReplayCache } from './replay-cache.js';

/** Storage errors that mean "no database to decide": answered DB_UNAVAILABLE, never INTERNAL. */
const DB_DOWN: ReadonlySet<string> = new Set(['STORE_UNAVAILABLE', 'STORE_CONNECTION_LOST', 'STORE_TIMEOUT']);

export interface DispatcherOptions {
  readonly now: () => number;
  readonly log: Logger;
  readonly dialect?: CentralDialect;
  /**
   * Where request digests are remembered: `memory` (one instance; bounded, see replay-cache.ts)
   * or `store` (the database, shared by every instance on it: a request replayed to another
   * instance is refused). Default `memory`.
   */
  readonly replay?: 'memory' | 'store';
}

/** Counters since start: requests, successes, and refusals by code. */
export interface DispatcherStats {
  readonly requests: number;
  readonly successes: number;
  readonly refusals: Readonly<Record<string, number>>;
}

/**
 * Turns a request body into a reply envelope; no HTTP here. Order of checks: envelope shape,
 * app, biz_content decryption, digest (failures get an unsigned reply: the sender is not
 * authenticated), then — answered with signed replies — timestamp window, method, the app's
 * permission, replay of the same request (digest) within the window, the biz fields, and the
 * method itself. Never throws: anything unexpected is an `INTERNAL` refusal, logged masked.
 */
export class CentralDispatcher {
  private readonly apps: ReadonlyMap<string, CentralApp>;
  private readonly replay: ReplayCache;
  private readonly windowMs: number;
  private readonly dialect: CentralDialect;
  private readonly lookupSecret: (appId: string) => string | undefined;
  private requests = 0;
  private successes = 0;
  private readonly refusals = new Map<string, number>();

  constructor(
    private readonly deps: MethodDeps,
    private readonly opts: DispatcherOptions,
  ) {
    this.apps = new Map(deps.config.apps.map((a) => [a.appId, a]));
    this.windowMs = deps.config.requestWindowS * 1000;
    this.replay = new ReplayCache(this.windowMs, deps.config.replayCacheMaxEntries);
    this.dialect = opts.dialect ?? PROVINCIAL_DIALECT;
    this.lookupSecret = (appId) => this.apps.get(appId)?.appSecret;
  }

  async handle(body: unknown): Promise<CentralReplyEnvelope> {
    this.requests++;
    const now = this.opts.now();
    const a = authenticate(body, this.lookupSecret, this.dialect);
    if (!a.ok) {
      this.refused(a.error, undefined);
      return unsignedRefusal(body, now, a.error, this.dialect);
    }
    let outcome: Outcome;
    try {
      outcome = { ok: true, biz: await this.run(a.value, now) };
      this.successes++;
    } catch (e) {
      const error = this.toRefusal(e, a.value);
      this.refused(error, a.value);
      outcome = { ok: false, error };
    }
    return sealOutcome(a.value, this.opts.now(), outcome, this.dialect);
  }

  stats(): DispatcherStats {
    return {
      requests: this.requests,
      successes: this.successes,
      refusals: Object.fromEntries(this.refusals),
    };
  }

  private async run(req: AuthenticatedRequest, now: number): Promise<object> {
    if (!(Math.abs(now - req.timestamp) <= this.windowMs)) {
      throw new CentralError(CENTRAL_ERROR_CODES.STALE_TIMESTAMP, 'timestamp outside the allowed window');
    }
    const entry = METHOD_TABLE.get(req.method);
    if (entry === undefined) throw new CentralError(CENTRAL_ERROR_CODES.UNKNOWN_METHOD, 'unknown method');
    const allowed = this.apps.get(req.appId)?.methods;
    if (allowed !== undefined && !allowed.includes(req.method)) {
      throw new CentralError(CENTRAL_ERROR_CODES.METHOD_NOT_ALLOWED, 'this app may not call this method');
    }
    const seen =
      this.opts.replay === 'store'
        ? (await this.deps.store.rememberRequest(req.digest, req.timestamp))
          ? 'new'
          : 'replayed'
        : this.replay.check(req.digest, req.timestamp, now);
    if (seen === 'replayed') {
      throw new CentralError(CENTRAL_ERROR_CODES.REPLAYED_REQUEST, 'this request was already received');
    }
    if (seen === 'full') {
      throw new CentralError(CENTRAL_ERROR_CODES.BUSY, 'too many requests inside the window; retry later');
    }
    let json: unknown;
    try {
      json = JSON.parse(req.bizText);
    } catch {
      throw new CentralError(CENTRAL_ERROR_CODES.BAD_FIELD, 'biz_content is not JSON');
    }
    const biz = entry.check(json);
    if (!biz.ok) throw new CentralError(CENTRAL_ERROR_CODES.BAD_FIELD, biz.error);
    return entry.handle(this.deps, biz.value, { appId: req.appId, nowMs: now, log: this.opts.log });
  }

  private toRefusal(e: unknown, req: AuthenticatedRequest): CentralError {
    if (isCentralError(e)) return e;
    if (isEhcError(e) && DB_DOWN.has(e.code)) {
      // Fail closed: nothing was accepted or created; the caller may retry with a new request.
      this.opts.log.warn({ method: req.method, code: e.code }, 'database unavailable');
      return new CentralError(
        CENTRAL_ERROR_CODES.DB_UNAVAILABLE,
        'the database is unavailable; retry later',
        {
          cause: e,
        },
      );
    }
    this.opts.log.error(
      {
        method: req.method,
        appId: req.appId,
        err: { name: e instanceof Error ? e.name : typeof e, message: maskFreeText(String(e)) },
      },
      'internal error',
    );
    return new CentralError(CENTRAL_ERROR_CODES.INTERNAL, 'internal error', { cause: e });
  }

  private refused(error: CentralError, req: AuthenticatedRequest | undefined): void {
    this.refusals.set(error.code, (this.refusals.get(error.code) ?? 0) + 1);
    if (this.opts.log.isLevelEnabled('info')) {
      this.opts.log.info(
        {
          code: error.code,
          reason: error.message,
          method: req?.method,
          appId: req?.appId,
          termId: req?.termId,
        },
        'refused',
      );
    }
  }
}
