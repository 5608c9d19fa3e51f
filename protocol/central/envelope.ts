import type { CentralMethod } from './methods.js';

/**
 * The envelope on the wire (JSON). All values are strings. `biz_content` is the SM4-ECB
 * ciphertext of the biz JSON (Base64 or hex per dialect); `digest` is the SM3 hex over the sorted
 * fields with the *plaintext* biz_content and the app secret (see crypto.ts).
 */
export interface CentralRequestEnvelope {
  readonly app_id: string;
  readonly term_id: string;
  readonly method: string;
  readonly version: string;
  /** Milliseconds since the epoch, decimal. */
  readonly timestamp: string;
  readonly digest_type: 'SM3';
  readonly enc_type: 'SM4';
  readonly biz_content: string;
  readonly digest: string;
}

/** The reply: the request's head echoed, a fresh timestamp, and the result. */
export interface CentralReplyEnvelope extends CentralRequestEnvelope {
  /** Dialect's success / failure code ("10" / "00" in the provincial style). */
  readonly code: string;
  readonly msg: string;
  /** Machine-readable failure reason (see err-codes.ts); absent on success. */
  readonly err_code?: string;
}

export const DIGEST_TYPE = 'SM3';
export const ENC_TYPE = 'SM4';
export const DEFAULT_VERSION = '1.0.0';
/** Default allowed difference between the envelope timestamp and the receiver's clock. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

/** The head a request carries (and a reply echoes). */
export interface EnvelopeHead<M extends CentralMethod = CentralMethod> {
  readonly appId: string;
  readonly termId: string;
  readonly method: M;
  readonly version: string;
}

/** Printable ASCII without space, `&` or `=` (they would blur field boundaries in the digest input). */
const HEAD_RE = /^[\x21-\x25\x27-\x3c\x3e-\x7e]{1,64}$/;
const TIMESTAMP_RE = /^\d{1,15}$/;

/** Head fields (app_id, term_id, method, version, err_code): 1–64 characters, see HEAD_RE. */
export function isHeadValue(x: unknown): x is string {
  return typeof x === 'string' && HEAD_RE.test(x);
}

export function isTimestamp(x: unknown): x is string {
  return typeof x === 'string' && TIMESTAMP_RE.test(x);
}

/**
 * The digest fields of an envelope, with biz_content replaced by its plaintext. A request digests
 * its eight fields only (extra keys on the wire are ignored, never digested); a reply adds `code`,
 * `msg` and, when present, `err_code`.
 */
export function digestFields(
  envelope: object,
  bizPlaintext: string,
  kind: 'request' | 'reply',
): Record<string, string | undefined> {
  const env = envelope as Readonly<Record<string, unknown>>;
  const f: Record<string, string | undefined> = {
    app_id: str(env.app_id),
    biz_content: bizPlaintext,
    digest_type: str(env.digest_type),
    enc_type: str(env.enc_type),
    method: str(env.method),
    term_id: str(env.term_id),
    timestamp: str(env.timestamp),
    version: str(env.version),
  };
  if (kind === 'reply') {
    f.code = str(env.code);
    f.msg = str(env.msg);
    f.err_code = str(env.err_code);
  }
  return f;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}
