/**
 * Every report the project writes (certify, bench, rig, soak, fuzz) goes through here, so that
 * no patient identifier reaches a report file in clear, whatever a check, an upstream error or a
 * lab engineer's note put into its free text. The masking is the logs' (`scrubLogLine`: EHC-IDs
 * and other runs of 32+ hex digits keep 8 + 4 digits, ID numbers 3 + 4 characters, mobile numbers
 * 3 + 4 digits), plus the credentials of a URL (`https://id:secret@host` → `https://***@host`).
 *
 * What a pattern cannot recognise — a name, an app secret, a password, a token — must not be put
 * into a report at all: the reports carry counts, timings, verdicts and closed reason codes, and
 * the configuration they describe is reduced to addresses (see test/security/reports.test.ts).
 *
 * JSON reports are scrubbed value by value (strings only, keys included): a number is never
 * rewritten, so a figure that happens to look like a phone number stays a valid JSON number.
 */
import { writeFileSync } from 'node:fs';
import { scrubLogLine } from './logger.js';

/** `scheme://user:password@` (or `scheme://token@`) in a URL: the userinfo part. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** Masks patient identifiers and URL credentials anywhere in a report's text. */
export function scrubReportText(text: string): string {
  return scrubLogLine(text.replace(URL_USERINFO, '$1***@'));
}

/** A copy of `value` with every string (object keys too) scrubbed; numbers, booleans, null kept. */
export function scrubReportValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubReportText(value);
  if (Array.isArray(value)) return value.map(scrubReportValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[scrubReportText(k)] = scrubReportValue(v);
    }
    return out;
  }
  return value;
}

/** `value` as JSON text, scrubbed (`space` as for JSON.stringify). */
export function jsonReportText(value: unknown, space?: number): string {
  // through JSON first, so that toJSON (dates) and dropped members behave as in a plain stringify
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  return JSON.stringify(scrubReportValue(plain), null, space);
}

/** Writes `value` as pretty JSON (2 spaces, final newline), scrubbed. */
export function writeJsonReport(path: string, value: unknown): void {
  writeFileSync(path, `${jsonReportText(value, 2)}\n`);
}

/** Writes an HTML or text report, scrubbed. */
export function writeTextReport(path: string, text: string): void {
  writeFileSync(path, scrubReportText(text));
}
