import type { EhcError } from '../../../protocol/errors.js';

/**
 * Checks the vendor drivers' option resolvers share. Each throws what `bad(what)` makes (the
 * driver's own `DEVICE_BAD_OPTIONS` error, e.g. "newland option silenceMs must be > 0").
 */
export type BadOption = (what: string) => EhcError;

export const isByte = (n: unknown): boolean =>
  Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xff;
export const isU16 = (n: unknown): boolean =>
  Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffff;
export const isPositive = (n: number): boolean => Number.isFinite(n) && n > 0;

/** Every named time-out must be finite and > 0. */
export function requirePositive(bad: BadOption, entries: ReadonlyArray<readonly [string, number]>): void {
  for (const [k, v] of entries) if (!isPositive(v)) throw bad(`${k} must be > 0`);
}

/** The cap on one text scan or reply: a whole number of at least 16 bytes. */
export function requireMessageCap(bad: BadOption, maxMessageBytes: number): void {
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 16) throw bad('maxMessageBytes must be ≥ 16');
}

/** Scan terminators: at least one, each a byte. */
export function requireTerminators(bad: BadOption, terminators: readonly number[]): void {
  if (terminators.length === 0 || !terminators.every(isByte)) throw bad('terminators must be bytes');
}

/** What to do with an unterminated scan when the line goes quiet. */
export function requireOnSilence(bad: BadOption, onSilence: string): void {
  if (onSilence !== 'drop' && onSilence !== 'deliver') throw bad('onSilence must be drop or deliver');
}
