import { err, ok, type Result } from '../result.js';
import {
  computeDigest,
  decryptBizContent,
  digestMatches,
  encryptBizContent,
  isValidSecret,
} from './crypto.js';
import { type CentralDialect, classifyResultCode, PROVINCIAL_DIALECT, resultCode } from './dialect.js';
import {
  type CentralReplyEnvelope,
  DEFAULT_MAX_SKEW_MS,
  DIGEST_TYPE,
  digestFields,
  ENC_TYPE,
  type EnvelopeHead,
  isHeadValue,
} from './envelope.js';
import { CentralEnvelopeError, type EnvelopeError, type EnvelopeErrorType } from './errors.js';
import { type BizReply, type CentralMethod, checkBizReply } from './methods.js';
import { checkHead, checkShape, parseBody } from './request.js';

/** What a server answers: a definite success with its biz object, or a definite failure. */
export type ReplyOutcome<M extends CentralMethod> =
  | { readonly ok: true; readonly biz: BizReply<M>; readonly msg?: string }
  | { readonly ok: false; readonly errCode: string; readonly msg: string };

export interface SealReplyInput<M extends CentralMethod> extends EnvelopeHead<M> {
  /** The reply's own time, ms since the epoch. */
  readonly timestamp: number;
  readonly outcome: ReplyOutcome<M>;
}

export const MAX_MSG_LENGTH = 512;

/**
 * Builds a reply envelope echoing the request head. A failure carries `{}` as biz_content and
 * a machine-readable `err_code`. Throws CentralEnvelopeError for bad inputs.
 */
export function sealReply<M extends CentralMethod>(
  input: SealReplyInput<M>,
  secret: string,
  dialect: CentralDialect = PROVINCIAL_DIALECT,
): CentralReplyEnvelope {
  checkHead(input);
  const o = input.outcome;
  let plaintext = '{}';
  if (o.ok) {
    const checked = checkBizReply(input.method, o.biz);
    if (!checked.ok)
      throw new CentralEnvelopeError('CENTRAL_BAD_BIZ', `${input.method} reply: ${checked.error}`);
    plaintext = JSON.stringify(o.biz);
  } else if (!isHeadValue(o.errCode)) {
    throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', 'err_code must be 1–64 ASCII characters');
  }
  const msg = o.msg ?? (o.ok ? 'success' : '');
  if (msg.length > MAX_MSG_LENGTH) throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', 'msg too long');
  const env = {
    app_id: input.appId,
    term_id: input.termId,
    method: input.method,
    version: input.version,
    timestamp: String(Math.trunc(input.timestamp)),
    digest_type: DIGEST_TYPE,
    enc_type: ENC_TYPE,
    code: resultCode(o.ok, dialect),
    msg,
    ...(o.ok ? {} : { err_code: o.errCode }),
  } as const;
  const digest = computeDigest(digestFields(env, plaintext, 'reply'), secret, dialect);
  return { ...env, biz_content: encryptBizContent(plaintext, secret, dialect), digest };
}

/**
 * A failure reply a server sends when it cannot authenticate the request (unknown app, bad
 * digest…): no digest and no biz_content, so a client can only treat it as "no answer".
 */
export function unsignedFailureReply(
  head: object,
  timestamp: number,
  errCode: string,
  msg: string,
  dialect: CentralDialect = PROVINCIAL_DIALECT,
): CentralReplyEnvelope {
  const fields = head as Readonly<Record<string, unknown>>;
  const h = (k: string): string => (isHeadValue(fields[k]) ? (fields[k] as string) : '');
  return {
    app_id: h('app_id'),
    term_id: h('term_id'),
    method: h('method'),
    version: h('version'),
    timestamp: String(Math.trunc(timestamp)),
    digest_type: DIGEST_TYPE,
    enc_type: ENC_TYPE,
    biz_content: '',
    digest: '',
    code: resultCode(false, dialect),
    msg: msg.slice(0, MAX_MSG_LENGTH),
    err_code: errCode,
  };
}

export type OpenedReply<M extends CentralMethod> =
  | {
      readonly status: 'success';
      readonly timestamp: number;
      readonly msg: string;
      readonly biz: BizReply<M>;
    }
  | {
      readonly status: 'failure';
      readonly timestamp: number;
      readonly msg: string;
      readonly errCode?: string;
    };

export interface OpenReplyOptions<M extends CentralMethod> {
  readonly secret: string;
  /** The request this reply answers: app_id, term_id and method must match. */
  readonly request: Omit<EnvelopeHead<M>, 'version'>;
  /** If given, the reply's timestamp must be within maxSkewMs of it. */
  readonly now?: number;
  readonly maxSkewMs?: number;
  readonly dialect?: CentralDialect;
}

/**
 * Opens a reply. Never throws. A result code the dialect does not know is `malformed` (the
 * caller must fail closed), as is a success whose biz object does not match the method.
 */
export function openReply<M extends CentralMethod>(
  body: unknown,
  opts: OpenReplyOptions<M>,
): Result<OpenedReply<M>, EnvelopeError> {
  const dialect = opts.dialect ?? PROVINCIAL_DIALECT;
  const env = parseBody(body);
  if (env === undefined) return fail('malformed', 'reply is not a JSON object');
  const shape = checkShape(env);
  if (shape !== undefined) return fail('malformed', `reply ${shape}`);
  if (typeof env.code !== 'string' || typeof env.msg !== 'string' || env.msg.length > MAX_MSG_LENGTH) {
    return fail('malformed', 'reply code or msg missing');
  }
  if (env.err_code !== undefined && !isHeadValue(env.err_code))
    return fail('malformed', 'reply err_code invalid');
  const r = opts.request;
  if (env.app_id !== r.appId || env.term_id !== r.termId || env.method !== r.method) {
    return fail('malformed', 'reply does not answer this request');
  }
  if (!isValidSecret(opts.secret)) return fail('unknown-app', 'no valid secret for this app');
  const plain = decryptBizContent(env.biz_content as string, opts.secret, dialect);
  if (!plain.ok) return plain;
  const expected = computeDigest(digestFields(env, plain.value, 'reply'), opts.secret, dialect);
  if (!digestMatches(env.digest as string, expected))
    return fail('bad-digest', 'reply digest does not match');
  const timestamp = Number(env.timestamp);
  if (
    opts.now !== undefined &&
    !(Math.abs(opts.now - timestamp) <= (opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS))
  ) {
    return fail('stale-timestamp', 'reply timestamp outside the allowed window');
  }
  const cls = classifyResultCode(env.code, dialect);
  if (cls === 'unknown') return fail('malformed', 'unknown result code');
  if (cls === 'failure') {
    const errCode = env.err_code as string | undefined;
    return ok(
      errCode === undefined
        ? { status: 'failure', timestamp, msg: env.msg }
        : { status: 'failure', timestamp, msg: env.msg, errCode },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.value);
  } catch {
    return fail('malformed', 'reply biz_content is not JSON');
  }
  const biz = checkBizReply(r.method, json);
  if (!biz.ok) return fail('malformed', `${r.method} reply: ${biz.error}`);
  return ok({ status: 'success', timestamp, msg: env.msg, biz: biz.value });
}

function fail(type: EnvelopeErrorType, message: string): Result<never, EnvelopeError> {
  return err({ type, message });
}
