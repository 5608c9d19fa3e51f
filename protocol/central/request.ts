import { err, ok, type Result } from '../result.js';
import {
  computeDigest,
  decryptBizContent,
  digestMatches,
  encryptBizContent,
  isValidSecret,
} from './crypto.js';
import { type CentralDialect, PROVINCIAL_DIALECT } from './dialect.js';
import {
  type CentralRequestEnvelope,
  DEFAULT_MAX_SKEW_MS,
  DIGEST_TYPE,
  digestFields,
  ENC_TYPE,
  type EnvelopeHead,
  isHeadValue,
  isTimestamp,
} from './envelope.js';
import { CentralEnvelopeError, type EnvelopeError, type EnvelopeErrorType } from './errors.js';
import { type BizRequest, type CentralMethod, checkBizRequest, isCentralMethod } from './methods.js';

export interface SealRequestInput<M extends CentralMethod> extends EnvelopeHead<M> {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly biz: BizRequest<M>;
}

/**
 * Builds a request envelope: digest over the plaintext, then biz_content encrypted. Throws
 * CentralEnvelopeError for a bad secret, head field or biz object (programming errors).
 */
export function sealRequest<M extends CentralMethod>(
  input: SealRequestInput<M>,
  secret: string,
  dialect: CentralDialect = PROVINCIAL_DIALECT,
): CentralRequestEnvelope {
  checkHead(input);
  const checked = checkBizRequest(input.method, input.biz);
  if (!checked.ok) throw new CentralEnvelopeError('CENTRAL_BAD_BIZ', `${input.method}: ${checked.error}`);
  const plaintext = JSON.stringify(input.biz);
  const head = {
    app_id: input.appId,
    term_id: input.termId,
    method: input.method,
    version: input.version,
    timestamp: String(Math.trunc(input.timestamp)),
    digest_type: DIGEST_TYPE,
    enc_type: ENC_TYPE,
  } as const;
  const digest = computeDigest(digestFields(head, plaintext, 'request'), secret, dialect);
  return { ...head, biz_content: encryptBizContent(plaintext, secret, dialect), digest };
}

/** A request opened and checked: authentic, fresh, and with a biz object valid for its method. */
export type OpenedRequest = {
  [M in CentralMethod]: EnvelopeHead<M> & { readonly timestamp: number; readonly biz: BizRequest<M> };
}[CentralMethod];

export interface OpenRequestOptions {
  /** The app's secret, or undefined for an unknown app_id. */
  readonly lookupSecret: (appId: string) => string | undefined;
  /** The receiver's clock, ms since the epoch. */
  readonly now: number;
  /** Allowed |now − timestamp| (default 5 min). */
  readonly maxSkewMs?: number;
  readonly dialect?: CentralDialect;
}

/**
 * Opens a request (the parsed JSON body, or its text). Never throws. Checks, in order: shape
 * (`malformed`), app (`unknown-app`), decryption (`bad-encryption`), digest (`bad-digest`),
 * timestamp (`stale-timestamp`), then the biz JSON against its method (`malformed`).
 * Replay within the timestamp window is the server's concern (e.g. remember digests).
 */
export function openRequest(body: unknown, opts: OpenRequestOptions): Result<OpenedRequest, EnvelopeError> {
  const dialect = opts.dialect ?? PROVINCIAL_DIALECT;
  const env = parseBody(body);
  if (env === undefined) return fail('malformed', 'not a JSON object');
  const shape = checkShape(env);
  if (shape !== undefined) return fail('malformed', shape);
  const e = env as unknown as CentralRequestEnvelope;
  let secret: string | undefined;
  try {
    secret = opts.lookupSecret(e.app_id);
  } catch {
    secret = undefined;
  }
  if (!isValidSecret(secret)) return fail('unknown-app', 'unknown app_id');
  const plain = decryptBizContent(e.biz_content, secret, dialect);
  if (!plain.ok) return plain;
  const expected = computeDigest(digestFields(env, plain.value, 'request'), secret, dialect);
  if (!digestMatches(e.digest, expected)) return fail('bad-digest', 'digest does not match');
  const timestamp = Number(e.timestamp);
  if (!(Math.abs(opts.now - timestamp) <= (opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS))) {
    return fail('stale-timestamp', 'timestamp outside the allowed window');
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.value);
  } catch {
    return fail('malformed', 'biz_content is not JSON');
  }
  const method = e.method as CentralMethod;
  const biz = checkBizRequest(method, json);
  if (!biz.ok) return fail('malformed', `${method}: ${biz.error}`);
  return ok({
    appId: e.app_id,
    termId: e.term_id,
    method,
    version: e.version,
    timestamp,
    biz: biz.value,
  } as OpenedRequest);
}

export function parseBody(body: unknown): Record<string, unknown> | undefined {
  let v = body;
  if (typeof v === 'string' || v instanceof Uint8Array) {
    try {
      v = JSON.parse(typeof v === 'string' ? v : Buffer.from(v).toString('utf8'));
    } catch {
      return undefined;
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return v as Record<string, unknown>;
}

/** The request-envelope fields every message has; a description of the first problem. */
export function checkShape(env: Record<string, unknown>): string | undefined {
  for (const k of ['app_id', 'term_id', 'version'] as const) {
    if (!isHeadValue(env[k])) return `${k} missing or invalid`;
  }
  if (!isCentralMethod(env.method)) return 'method missing or unknown';
  if (!isTimestamp(env.timestamp)) return 'timestamp must be decimal milliseconds';
  if (env.digest_type !== DIGEST_TYPE) return `digest_type must be ${DIGEST_TYPE}`;
  if (env.enc_type !== ENC_TYPE) return `enc_type must be ${ENC_TYPE}`;
  if (typeof env.biz_content !== 'string') return 'biz_content missing';
  if (typeof env.digest !== 'string') return 'digest missing';
  return undefined;
}

export function checkHead(head: EnvelopeHead & { readonly timestamp: number }): void {
  for (const [k, v] of [
    ['appId', head.appId],
    ['termId', head.termId],
    ['version', head.version],
  ] as const) {
    if (!isHeadValue(v))
      throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', `${k} must be 1–64 ASCII characters`);
  }
  if (!isCentralMethod(head.method)) throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', 'unknown method');
  if (!Number.isSafeInteger(Math.trunc(head.timestamp)) || head.timestamp < 0) {
    throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', 'timestamp must be ms since the epoch');
  }
}

function fail(type: EnvelopeErrorType, message: string): Result<never, EnvelopeError> {
  return err({ type, message });
}
