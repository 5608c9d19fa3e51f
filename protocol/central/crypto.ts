import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import { timingSafeEqual } from '../crypto/bytes.js';
import { sm3 } from '../crypto/sm3.js';
import { sm4EcbDecrypt, sm4EcbEncrypt } from '../crypto/sm4.js';
import { err, ok, type Result } from '../result.js';
import type { CentralDialect } from './dialect.js';
import { CentralEnvelopeError, type EnvelopeError } from './errors.js';

/**
 * The envelope's two primitives: SM4-ECB (PKCS#7) of the biz JSON under the app secret, and the
 * SM3 digest over the sorted `k=v` fields with the plaintext biz_content and the secret appended.
 */
export const APP_SECRET_LENGTH = 16;
/** Largest encoded biz_content accepted (1 MiB): checked before decoding. */
export const MAX_BIZ_CONTENT_CHARS = 1 << 20;

const SECRET_RE = /^[\x21-\x7e]{16}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const DIGEST_RE = /^[0-9a-fA-F]{64}$/;

/** The SM4 key: the secret's 16 ASCII bytes. Throws CENTRAL_BAD_SECRET otherwise. */
export function secretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || !SECRET_RE.test(secret)) {
    throw new CentralEnvelopeError('CENTRAL_BAD_SECRET', 'app secret must be 16 printable ASCII characters');
  }
  return Buffer.from(secret, 'latin1');
}

export function isValidSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && SECRET_RE.test(secret);
}

function encodeText(text: string, dialect: CentralDialect): Buffer {
  if (dialect.charset === 'utf-8') return Buffer.from(text, 'utf8');
  const bytes = iconv.encode(text, 'gbk');
  if (iconv.decode(bytes, 'gbk') !== text) {
    throw new CentralEnvelopeError('CENTRAL_BAD_FIELD', 'text has characters GBK cannot encode');
  }
  return bytes;
}

const decoders = {
  'utf-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  gbk: new TextDecoder('gbk', { fatal: true }),
};

export function encryptBizContent(plaintext: string, secret: string, dialect: CentralDialect): string {
  const c = sm4EcbEncrypt(secretKey(secret), encodeText(plaintext, dialect));
  return dialect.bizEncoding === 'base64' ? c.toString('base64') : c.toString('hex').toUpperCase();
}

export function decryptBizContent(
  wire: string,
  secret: string,
  dialect: CentralDialect,
): Result<string, EnvelopeError> {
  if (wire.length > MAX_BIZ_CONTENT_CHARS) return bad('biz_content too long');
  const encoded = dialect.bizEncoding === 'base64' ? BASE64_RE.test(wire) : HEX_RE.test(wire);
  if (!encoded) return bad(`biz_content is not ${dialect.bizEncoding}`);
  const c = Buffer.from(wire, dialect.bizEncoding);
  if (c.length === 0 || c.length % 16 !== 0) return bad('biz_content is not whole SM4 blocks');
  let plain: Buffer;
  try {
    plain = sm4EcbDecrypt(secretKey(secret), c);
  } catch {
    return bad('biz_content does not decrypt under the app secret');
  }
  try {
    return ok(decoders[dialect.charset].decode(plain));
  } catch {
    return bad(`biz_content plaintext is not ${dialect.charset}`);
  }
}

/**
 * The digest input: every field except `digest` that is present, keys sorted (code-unit order),
 * `k=v` joined by `&`, then the secret (`&app_secret=<secret>` or bare, per dialect). `biz_content`
 * must be the plaintext JSON.
 */
export function digestInput(
  fields: Readonly<Record<string, string | undefined>>,
  secret: string,
  dialect: CentralDialect,
): string {
  const keys = Object.keys(fields)
    .filter((k) => k !== 'digest' && fields[k] !== undefined)
    .sort();
  const body = keys.map((k) => `${k}=${fields[k]}`).join('&');
  return dialect.secretSuffix === 'labelled' ? `${body}&app_secret=${secret}` : `${body}${secret}`;
}

/** SM3 of the digest input, lower-case hex. */
export function computeDigest(
  fields: Readonly<Record<string, string | undefined>>,
  secret: string,
  dialect: CentralDialect,
): string {
  return sm3(encodeText(digestInput(fields, secret, dialect), dialect)).toString('hex');
}

/** Constant-time check of a received digest (hex, either case). */
export function digestMatches(received: string, expectedHex: string): boolean {
  if (!DIGEST_RE.test(received)) return false;
  return timingSafeEqual(Buffer.from(received, 'hex'), Buffer.from(expectedHex, 'hex'));
}

function bad(message: string): Result<never, EnvelopeError> {
  return err({ type: 'bad-encryption', message });
}
