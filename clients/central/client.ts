import { isValidSecret } from '../../protocol/central/crypto.js';
import { type CentralDialect, PROVINCIAL_DIALECT } from '../../protocol/central/dialect.js';
import { DEFAULT_MAX_SKEW_MS, DEFAULT_VERSION, isHeadValue } from '../../protocol/central/envelope.js';
import type { EnvelopeErrorType } from '../../protocol/central/errors.js';
import {
  type BizReply,
  type BizRequest,
  CENTRAL_METHODS,
  type CentralMethod,
} from '../../protocol/central/methods.js';
import { openReply } from '../../protocol/central/reply.js';
import { sealRequest } from '../../protocol/central/request.js';
import { parseEhcCode } from '../../protocol/qr/parse.js';
import { EndpointSet } from './endpoints.js';
import { CentralClientError } from './errors.js';
import { type PostOutcome, postJson } from './http.js';
import { IDEMPOTENT_METHODS, mayRetryElsewhere } from './retry.js';
import type {
  CallOptions,
  CentralClientOptions,
  CentralHealth,
  CentralResult,
  UnavailableReason,
} from './types.js';

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_REPLY_BYTES = 1 << 20;
export const DEFAULT_FAILBACK_MS = 5000;
const MAX_TIMEOUT_MS = 120_000;

/**
 * HTTP client for the central EHC service (provincial 卡管 style): one POST per call to the active
 * URL (the primary, or the standby that last answered), at most one retry on the next URL by the
 * rule in retry.ts — never for a `verify` that may have reached a server. The envelope is sealed
 * and the reply opened with protocol/central. See types.ts for the three-valued result contract.
 */
export class CentralClient {
  readonly #endpoints: EndpointSet;
  readonly #appId: string;
  readonly #secret: string;
  readonly #termId: string;
  readonly #version: string;
  readonly #timeoutMs: number;
  readonly #maxReplyBytes: number;
  readonly #replyMaxSkewMs: number;
  readonly #dialect: CentralDialect;
  readonly #clock: () => number;
  readonly #fetch: typeof fetch;
  #lastAnswerAt: number | undefined;
  #lastUnavailable: { readonly at: number; readonly reason: UnavailableReason } | undefined;

  constructor(opts: CentralClientOptions) {
    const urls = [
      checkUrl('url', opts.url),
      ...(opts.standbyUrls ?? []).map((u) => checkUrl('standbyUrls', u)),
    ];
    if (new Set(urls).size !== urls.length) throw bad('url and standbyUrls must all differ');
    const failbackMs = opts.failbackMs ?? DEFAULT_FAILBACK_MS;
    if (!Number.isFinite(failbackMs) || failbackMs < 0) throw bad('failbackMs must be ≥ 0');
    if (!isHeadValue(opts.appId)) throw bad('appId must be 1–64 ASCII characters without &, = or space');
    if (!isHeadValue(opts.termId)) throw bad('termId must be 1–64 ASCII characters without &, = or space');
    if (!isValidSecret(opts.appSecret)) throw bad('appSecret must be 16 printable ASCII characters');
    const version = opts.version ?? DEFAULT_VERSION;
    if (!isHeadValue(version)) throw bad('version must be 1–64 ASCII characters');
    this.#timeoutMs = checkTimeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const maxReply = opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    if (!Number.isSafeInteger(maxReply) || maxReply < 1024)
      throw bad('maxReplyBytes must be an integer ≥ 1024');
    const skew = opts.replyMaxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    if (!Number.isFinite(skew) || skew < 0) throw bad('replyMaxSkewMs must be ≥ 0');
    this.#appId = opts.appId;
    this.#secret = opts.appSecret;
    this.#termId = opts.termId;
    this.#version = version;
    this.#maxReplyBytes = maxReply;
    this.#replyMaxSkewMs = skew;
    this.#dialect = opts.dialect ?? PROVINCIAL_DIALECT;
    this.#clock = opts.clock ?? Date.now;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#endpoints = new EndpointSet(urls, failbackMs, this.#clock);
  }

  /** The URL calls go to now (the primary, or the standby that last answered). */
  get activeUrl(): string {
    return this.#endpoints.activeUrl;
  }

  /**
   * What the calls so far say about the service: the active URL, when a call was last answered
   * (success or a stated failure) and when one last ended unavailable, and why. `available` is
   * undefined before any call ended; otherwise whether the latest outcome was an answer.
   */
  health(): CentralHealth {
    const a = this.#lastAnswerAt;
    const u = this.#lastUnavailable;
    return {
      activeUrl: this.activeUrl,
      available: a === undefined && u === undefined ? undefined : u === undefined || (a ?? -1) > u.at,
      ...(a === undefined ? {} : { lastAnswerAt: a }),
      ...(u === undefined ? {} : { lastUnavailableAt: u.at, lastUnavailableReason: u.reason }),
    };
  }

  /**
   * Calls any method. Resolves to success / failure / unavailable (see types.ts). With standby
   * URLs, a call that failed before it can have reached a server (or, for an idempotent method,
   * before any reply) is sent once more to the next URL: see retry.ts for the exact rule.
   */
  async call<M extends CentralMethod>(
    method: M,
    biz: BizRequest<M>,
    opts: CallOptions = {},
  ): Promise<CentralResult<BizReply<M>>> {
    const timeoutMs = opts.timeoutMs === undefined ? this.#timeoutMs : checkTimeout(opts.timeoutMs);
    // Sealing throws only for a biz object invalid for its method: a programming error.
    const envelope = sealRequest(
      {
        appId: this.#appId,
        termId: this.#termId,
        method,
        version: this.#version,
        timestamp: this.#clock(),
        biz,
      },
      this.#secret,
      this.#dialect,
    );
    const body = JSON.stringify(envelope);
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    const plan = this.#endpoints.plan(IDEMPOTENT_METHODS.has(method));
    // Each attempt has its own deadline: with a retry a call may take up to twice timeoutMs.
    const attempt = async (index: number) => {
      const posted = await postJson(this.#endpoints.url(index), body, {
        timeoutMs,
        maxBytes: this.#maxReplyBytes,
        fetch: this.#fetch,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return { posted, result: this.#judge(method, biz, posted, elapsed) };
    };
    let at = plan.first;
    let { posted, result } = await attempt(at);
    const again =
      plan.retry !== undefined &&
      result.status === 'unavailable' &&
      result.reason !== 'aborted' &&
      // A probe is an idempotent call: retrying it on the active URL is harmless whatever failed.
      (plan.probe || (!posted.ok && mayRetryElsewhere(method, posted)));
    if (again && plan.retry !== undefined) {
      at = plan.retry;
      ({ posted, result } = await attempt(at));
    }
    if (result.status !== 'unavailable') {
      this.#endpoints.answered(at);
      this.#lastAnswerAt = this.#clock();
    } else {
      this.#lastUnavailable = { at: this.#clock(), reason: result.reason };
    }
    return result;
  }

  /** One attempt's POST outcome as the three-valued result. */
  #judge<M extends CentralMethod>(
    method: M,
    biz: BizRequest<M>,
    posted: PostOutcome,
    elapsed: () => number,
  ): CentralResult<BizReply<M>> {
    if (!posted.ok) return unavailable(posted.reason, posted.message, elapsed(), posted.cause);
    const reply = openReply(posted.text, {
      secret: this.#secret,
      request: { appId: this.#appId, termId: this.#termId, method },
      now: this.#clock(),
      maxSkewMs: this.#replyMaxSkewMs,
      dialect: this.#dialect,
    });
    if (!reply.ok) {
      if (posted.status < 200 || posted.status > 299) {
        return unavailable('http-status', `HTTP ${posted.status} without a verifiable reply`, elapsed());
      }
      return unavailable(reasonFor(reply.error.type), reply.error.message, elapsed());
    }
    const r = reply.value;
    if (r.status === 'failure') {
      return r.errCode === undefined
        ? { status: 'failure', msg: r.msg, elapsedMs: elapsed() }
        : { status: 'failure', errCode: r.errCode, msg: r.msg, elapsedMs: elapsed() };
    }
    const mismatch = bindingMismatch(method, biz, r.biz);
    if (mismatch) return unavailable('unverifiable-reply', mismatch, elapsed());
    return { status: 'success', biz: r.biz, msg: r.msg, elapsedMs: elapsed() };
  }

  /** 用户注册: register a card holder. */
  register(biz: BizRequest<typeof CENTRAL_METHODS.register>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.register, biz, opts);
  }

  /** 二维码生成: issue a QR code (ewmbs "0" dynamic, "1" static). */
  generate(biz: BizRequest<typeof CENTRAL_METHODS.generate>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.generate, biz, opts);
  }

  /** 二维码验证: verify a scanned QR text. */
  verify(biz: BizRequest<typeof CENTRAL_METHODS.verify>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.verify, biz, opts);
  }

  /** Look up a card (by card id, or id type and number). */
  query(biz: BizRequest<typeof CENTRAL_METHODS.query>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.query, biz, opts);
  }

  /** Close (revoke) a card. */
  close(biz: BizRequest<typeof CENTRAL_METHODS.close>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.close, biz, opts);
  }

  /** 用卡数据监测: upload a batch of card-use records (idempotent by record_id). */
  useCardDate(biz: BizRequest<typeof CENTRAL_METHODS.usecarddate>, opts?: CallOptions) {
    return this.call(CENTRAL_METHODS.usecarddate, biz, opts);
  }
}

/**
 * A verified success must still be about what was asked: a verify reply names the card of the
 * code sent, and a usecarddate reply only the records sent. Anything else is not an answer.
 */
function bindingMismatch<M extends CentralMethod>(
  method: M,
  req: BizRequest<M>,
  reply: BizReply<M>,
): string | undefined {
  if (method === CENTRAL_METHODS.verify) {
    const q = req as BizRequest<typeof CENTRAL_METHODS.verify>;
    const a = reply as BizReply<typeof CENTRAL_METHODS.verify>;
    const code = parseEhcCode(q.ehealth_code);
    if (code.ok && code.value.ehcId !== a.ehealth_card_id.toUpperCase())
      return 'verify reply names another card';
  }
  if (method === CENTRAL_METHODS.usecarddate) {
    const sent = new Set(
      (req as BizRequest<typeof CENTRAL_METHODS.usecarddate>).records.map((x) => x.record_id),
    );
    const a = reply as BizReply<typeof CENTRAL_METHODS.usecarddate>;
    const named = [...a.accepted, ...a.rejected.map((x) => x.record_id)];
    if (named.some((id) => !sent.has(id))) return 'usecarddate reply names records not sent';
  }
  return undefined;
}

function reasonFor(type: EnvelopeErrorType): UnavailableReason {
  return type === 'malformed' ? 'malformed-reply' : 'unverifiable-reply';
}

function unavailable<T>(
  reason: UnavailableReason,
  message: string,
  elapsedMs: number,
  cause?: unknown,
): CentralResult<T> {
  return cause === undefined
    ? { status: 'unavailable', reason, message, elapsedMs }
    : { status: 'unavailable', reason, message, cause, elapsedMs };
}

function checkUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (e) {
    throw bad(`${name}: not a URL`, e);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(`${name}: must be http or https`);
  return url.href;
}

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMEOUT_MS) {
    throw bad(`timeoutMs must be in (0, ${MAX_TIMEOUT_MS}]`);
  }
  return ms;
}

function bad(message: string, cause?: unknown): CentralClientError {
  return new CentralClientError(
    'CENTRAL_CLIENT_BAD_OPTION',
    message,
    cause === undefined ? undefined : { cause },
  );
}
