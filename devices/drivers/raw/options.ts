/**
 * Raw-driver settings from untyped sources (CLI flags, configuration files) → `RawDriverOptions`.
 * Terminators are written `eol`, `cr`, `lf`, `crlf`, `none` or `hex:<bytes>` (e.g. `hex:03`,
 * `hex:0d0a`).
 */
import { DeviceError } from '../../transports/errors.js';
import type { RawDriverOptions } from './driver.js';
import type { Terminator } from './framer.js';

const NAMED = new Set(['eol', 'cr', 'lf', 'crlf', 'none']);

export function parseTerminator(text: string): Terminator {
  const t = text.trim().toLowerCase();
  if (NAMED.has(t)) return t as Terminator;
  const hex = /^hex:((?:[0-9a-f]{2}){1,8})$/.exec(t);
  if (hex) return Uint8Array.from(hex[1]!.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  throw new DeviceError(
    'DEVICE_BAD_OPTIONS',
    `terminator "${text}" is not eol, cr, lf, crlf, none or hex:<1-8 bytes>`,
  );
}

function numberSetting(settings: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = settings[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new DeviceError('DEVICE_BAD_OPTIONS', `raw driver setting "${key}" must be a number`);
  }
  return n;
}

/** Reads `terminator`, `interByteTimeoutMs` and `maxFrameBytes`; other keys are ignored. */
export function rawOptionsFromSettings(
  settings: Readonly<Record<string, unknown>> = {},
  base: RawDriverOptions = {},
): RawDriverOptions {
  const term = settings.terminator;
  if (term !== undefined && typeof term !== 'string' && !(term instanceof Uint8Array)) {
    throw new DeviceError('DEVICE_BAD_OPTIONS', 'raw driver setting "terminator" must be a string');
  }
  const timeout = numberSetting(settings, 'interByteTimeoutMs');
  const max = numberSetting(settings, 'maxFrameBytes');
  return {
    ...base,
    ...(term !== undefined ? { terminator: typeof term === 'string' ? parseTerminator(term) : term } : {}),
    ...(timeout !== undefined ? { interByteTimeoutMs: timeout } : {}),
    ...(max !== undefined ? { maxFrameBytes: max } : {}),
  };
}
