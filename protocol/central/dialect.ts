/**
 * Everything that differs between regional card-management platforms, in one adapter. Only the
 * envelope code consults it; callers pick a dialect once (configuration) and pass it along.
 *
 * Evidence (research/ehc-domain.md §2.5): the Sichuan/Chengdu client computes the digest with an
 * `&app_secret=` label and encrypts `biz_content` with the widely copied Java `SM4Utils`
 * (`encryptData_ECB`: SM4-ECB, PKCS#7, key = the secret's ASCII bytes, output **Base64** without
 * line breaks); some copies of that class encode the plaintext as GBK, most as UTF-8. Another
 * deployment appends the secret with no label. Result codes: "10" success, "00" failure; other
 * regions use "200"/"10000" (Mianyang) or 0 (Tencent).
 */
export interface CentralDialect {
  readonly name: string;
  /** Wire value of the reply `code` for a definite success and a definite failure. */
  readonly resultCodes: { readonly success: string; readonly failure: string };
  /** `labelled`: `…&version=…&app_secret=<secret>`; `bare`: `…&version=…<secret>`. */
  readonly secretSuffix: 'labelled' | 'bare';
  /** How the SM4 ciphertext of `biz_content` is written on the wire. */
  readonly bizEncoding: 'base64' | 'hex';
  /** Bytes of the JSON text (encrypted) and of the digest input. */
  readonly charset: 'utf-8' | 'gbk';
}

/** The provincial 卡管 style (Sichuan-like): the default for our agent and reference server. */
export const PROVINCIAL_DIALECT: CentralDialect = {
  name: 'provincial',
  resultCodes: { success: '10', failure: '00' },
  secretSuffix: 'labelled',
  bizEncoding: 'base64',
  charset: 'utf-8',
};

export type ResultClass = 'success' | 'failure' | 'unknown';

/**
 * Maps a reply's `code` to success / failure; anything else is `unknown`, which callers must
 * treat as "no answer" (fail closed), never as success.
 */
export function classifyResultCode(code: string, dialect: CentralDialect = PROVINCIAL_DIALECT): ResultClass {
  if (code === dialect.resultCodes.success) return 'success';
  if (code === dialect.resultCodes.failure) return 'failure';
  return 'unknown';
}

export function resultCode(ok: boolean, dialect: CentralDialect = PROVINCIAL_DIALECT): string {
  return ok ? dialect.resultCodes.success : dialect.resultCodes.failure;
}
