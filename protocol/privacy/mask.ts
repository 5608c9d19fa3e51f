/**
 * Masking of personal data for logs, errors and API responses (spec §5.1 / conventions: ID
 * numbers, names, phones never appear in clear). Pure and total: any input gives a string, and a
 * masked value never reveals more than the stated characters.
 */

/** EHC-ID: first 8 and last 4 hex digits (enough to correlate logs, useless to forge). */
export function maskEhcId(id: string): string {
  if (id.length <= 12) return '*'.repeat(id.length);
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/** ID number: first 3 and last 4 characters, the rest `*` (110***********006X). */
export function maskIdNo(idNo: string): string {
  const chars = [...idNo];
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/** Name: the first character, the rest `*` (张*, 欧阳** → 欧**). */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Phone: first 3 and last 4 digits (138****1234). */
export function maskPhone(phone: string): string {
  const chars = [...phone];
  if (chars.length <= 7) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/**
 * Masks anything that looks like a mainland ID number (18 chars, last may be X) or a mobile
 * number inside free text, e.g. an upstream error message, before it is logged or returned.
 */
export function maskFreeText(text: string): string {
  return text
    .replace(/(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])/g, (m) => maskIdNo(m))
    .replace(/(?<!\d)(1[3-9]\d{9})(?!\d)/g, (m) => maskPhone(m));
}

/** pino redaction paths for the fields we name consistently across the project. */
export const PII_LOG_PATHS = [
  'idNo',
  'id_no',
  'name',
  'phone',
  'mobile',
  '*.idNo',
  '*.id_no',
  '*.name',
  '*.phone',
  '*.mobile',
  // secrets also deeper down (a configuration logged whole: `config.central.appSecret`, `hsm.tls.key`);
  // pino's `*` matches one level only
  ...['appSecret', 'app_secret', 'key', 'password'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];
