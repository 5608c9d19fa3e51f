import {
  computeDigest,
  decryptBizContent,
  digestMatches,
  encryptBizContent,
} from '../../protocol/central/crypto.js';
import { type CentralDialect, resultCode } from '../../protocol/central/dialect.js';
import {
  type CentralReplyEnvelope,
  DIGEST_TYPE,
  digestFields,
  ENC_TYPE,
  isHeadValue,
  isTimestamp,
} from '../../protocol/central/envelope.js';
import { MAX_MSG_LENGTH, unsignedFailureReply } from '../../protocol/central/reply.js';
import { parseBody } from '../../protocol/central/request.js';
import { err, ok, type Result } from '../../protocol/result.js';
import { CENTRAL_ERROR_CODES, CentralError, wireErrCode } from './errors.js';

/**
 * The server side of the envelope, built on protocol/central's primitives (digest fields, SM3
 * digest, SM4 biz_content) so that client and server cannot drift. Unlike `openRequest` it
 * accepts method names outside the provincial set (the monitoring query) and leaves the
 * timestamp, replay and biz checks to the dispatcher, which answers them with *signed* replies.
 */
export interface AuthenticatedRequest {
  readonly appId: string;
  readonly termId: string;
  readonly method: string;
  readonly version: string;
  readonly timestamp: number;
  /** The request digest (hex): the replay cache's key. */
  readonly digest: string;
  /** The decrypted biz_content text (not yet parsed). */
  readonly bizText: string;
  readonly secret: string;
}

/**
 * Parses the body, finds the app, decrypts biz_content and checks the digest. A failure here
 * cannot be answered with a signed reply (the sender is not authenticated).
 */
export function authenticate(
  body: unknown,
  lookupSecret: (appId: string) => string | undefined,
  dialect: CentralDialect,
): Result<AuthenticatedRequest, CentralError> {
  const env = parseBody(body);
  if (env === undefined) return refuse('BAD_ENVELOPE', 'the body is not a JSON object');
  const shape = shapeProblem(env);
  if (shape !== undefined) return refuse('BAD_ENVELOPE', shape);
  const appId = env.app_id as string;
  const secret = lookupSecret(appId);
  if (secret === undefined) return refuse('UNKNOWN_APP', 'unknown app_id');
  const plain = decryptBizContent(env.biz_content as string, secret, dialect);
  if (!plain.ok) return refuse('BAD_BIZ_CONTENT', plain.error.message);
  const digest = env.digest as string;
  const expected = computeDigest(digestFields(env, plain.value, 'request'), secret, dialect);
  if (!digestMatches(digest, expected)) return refuse('BAD_DIGEST', 'digest does not match');
  return ok({
    appId,
    termId: env.term_id as string,
    method: env.method as string,
    version: env.version as string,
    timestamp: Number(env.timestamp),
    digest,
    bizText: plain.value,
    secret,
  });
}

function shapeProblem(env: Record<string, unknown>): string | undefined {
  for (const k of ['app_id', 'term_id', 'method', 'version'] as const) {
    if (!isHeadValue(env[k])) return `${k} missing or invalid`;
  }
  if (!isTimestamp(env.timestamp)) return 'timestamp must be decimal milliseconds';
  if (env.digest_type !== DIGEST_TYPE) return `digest_type must be ${DIGEST_TYPE}`;
  if (env.enc_type !== ENC_TYPE) return `enc_type must be ${ENC_TYPE}`;
  if (typeof env.biz_content !== 'string') return 'biz_content missing';
  if (typeof env.digest !== 'string') return 'digest missing';
  return undefined;
}

function refuse(key: keyof typeof CENTRAL_ERROR_CODES, message: string): Result<never, CentralError> {
  return err(new CentralError(CENTRAL_ERROR_CODES[key], message));
}

/** What a method answered: its reply biz object, or a refusal. */
export type Outcome =
  | { readonly ok: true; readonly biz: object }
  | { readonly ok: false; readonly error: CentralError };

/** A signed reply echoing the authenticated request's head. */
export function sealOutcome(
  req: AuthenticatedRequest,
  nowMs: number,
  outcome: Outcome,
  dialect: CentralDialect,
): CentralReplyEnvelope {
  const plaintext = outcome.ok ? JSON.stringify(outcome.biz) : '{}';
  const msg = outcome.ok ? 'success' : outcome.error.message.slice(0, MAX_MSG_LENGTH);
  const env = {
    app_id: req.appId,
    term_id: req.termId,
    method: req.method,
    version: req.version,
    timestamp: String(Math.trunc(nowMs)),
    digest_type: DIGEST_TYPE,
    enc_type: ENC_TYPE,
    code: resultCode(outcome.ok, dialect),
    msg,
    ...(outcome.ok ? {} : { err_code: wireErrCode(outcome.error.code) }),
  } as const;
  const digest = computeDigest(digestFields(env, plaintext, 'reply'), req.secret, dialect);
  return { ...env, biz_content: encryptBizContent(plaintext, req.secret, dialect), digest };
}

/** The reply to a request that could not be authenticated: no digest, no biz_content. */
export function unsignedRefusal(
  body: unknown,
  nowMs: number,
  error: CentralError,
  dialect: CentralDialect,
): CentralReplyEnvelope {
  const head = parseBody(body) ?? {};
  return unsignedFailureReply(head, nowMs, wireErrCode(error.code), error.message, dialect);
}
