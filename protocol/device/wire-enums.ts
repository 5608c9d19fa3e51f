import type { DeviceEventKind, ImageFormat, ReplyStatus, WireCharset, WireSymbology } from './messages.js';

// Enum tables: the index is the proto enum number.
export const SYMBOLOGIES: readonly WireSymbology[] = [
  'unknown',
  'qr_code',
  'micro_qr_code',
  'data_matrix',
  'pdf417',
  'aztec',
  'han_xin',
  'code_128',
  'code_39',
  'ean_13',
  'ean_8',
  'upc_a',
  'itf',
];
export const CHARSETS: readonly WireCharset[] = ['unspecified', 'utf-8', 'gbk', 'ascii'];
export const BEEPS = ['unspecified', 'good', 'bad'] as const;
export const LEDS = ['unspecified', 'good', 'bad', 'off'] as const;
export const STATUSES: readonly ReplyStatus[] = [
  'unspecified',
  'ok',
  'error',
  'unsupported',
  'invalid',
  'busy',
];
export const FORMATS: readonly ImageFormat[] = ['unspecified', 'grey8', 'png', 'jpeg'];
export const EVENTS: readonly DeviceEventKind[] = [
  'unspecified',
  'boot',
  'trigger-pressed',
  'trigger-released',
  'decode-failed',
  'queue-overflow',
  'config-changed',
  'error',
];

export const num = <T extends string>(table: readonly T[], v: T): number => Math.max(0, table.indexOf(v));
export const name = <T extends string>(table: readonly T[], v: unknown): T =>
  table[typeof v === 'number' ? v : 0] ?? table[0]!;
