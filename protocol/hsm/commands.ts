import type { FieldInputs, FieldSpec, FieldValues } from './fields.js';

/**
 * The command table (documented in protocol/README.md). Request and reply fields in wire order.
 * Conventions: key index 0 = the machine's default key of the needed use (lowest-index protect
 * key for validity blocks, lowest-index security key for EHC-IDs); a time of 0 = the machine's
 * clock; a lifetime/skew of `USE_SERVER_DEFAULT` and an empty time zone = the machine's configured
 * value.
 */
export const USE_SERVER_DEFAULT = 0xffff_ffff;
export const MAX_RANDOM_BYTES = 4096;
export const SM2_SIGNATURE_BYTES = 64;

const keyIndex = { name: 'keyIndex', kind: 'u16' } as const;
/** UTF-8 id folded into ZA, always explicit (the client defaults it to 1234567812345678). */
const userId = { name: 'userId', kind: 'text', max: 1024 } as const;
const data = { name: 'data', kind: 'bytes' } as const;
/** IANA zone of validity times (empty = the machine's, default Asia/Shanghai). */
const timeZone = { name: 'timeZone', kind: 'text', max: 64 } as const;
const sm4Request = [
  keyIndex,
  /** 0 = ECB, 1 = CBC. */
  { name: 'mode', kind: 'u8' },
  /** 1 = PKCS#7, 0 = none (whole blocks). */
  { name: 'padding', kind: 'u8' },
  { name: 'iv', kind: 'bytes', max: 16 },
  data,
] as const;

export const COMMANDS = {
  NC: {
    name: 'diagnostics',
    request: [],
    reply: [
      { name: 'vendor', kind: 'text', max: 64 },
      { name: 'model', kind: 'text', max: 64 },
      { name: 'serial', kind: 'text', max: 64 },
      { name: 'firmware', kind: 'text', max: 64 },
      { name: 'timeMs', kind: 'u64' },
    ],
  },
  RA: {
    name: 'random',
    request: [{ name: 'length', kind: 'u16' }],
    reply: [{ name: 'bytes', kind: 'bytes', min: 1, max: MAX_RANDOM_BYTES }],
  },
  HA: {
    name: 'sm3',
    /** Empty public key: plain SM3(data). Otherwise SM3(ZA ‖ data), ZA from the key and userId. */
    request: [{ name: 'publicKey', kind: 'bytes', max: 65 }, userId, data],
    reply: [{ name: 'digest', kind: 'bytes', min: 32, max: 32 }],
  },
  SA: {
    name: 'sm2-sign',
    request: [keyIndex, userId, data],
    reply: [{ name: 'signature', kind: 'bytes', min: SM2_SIGNATURE_BYTES, max: SM2_SIGNATURE_BYTES }],
  },
  SC: {
    name: 'sm2-verify',
    request: [
      keyIndex,
      userId,
      data,
      { name: 'signature', kind: 'bytes', min: SM2_SIGNATURE_BYTES, max: SM2_SIGNATURE_BYTES },
    ],
    reply: [],
  },
  EA: { name: 'sm4-encrypt', request: sm4Request, reply: [data] },
  EC: { name: 'sm4-decrypt', request: sm4Request, reply: [data] },
  KA: {
    name: 'derive-ehc-id',
    request: [
      keyIndex,
      { name: 'mainIndex', kind: 'bytes', min: 8, max: 64, multipleOf: 8 },
      { name: 'idType', kind: 'text', min: 1, max: 8 },
      { name: 'idNo', kind: 'text', min: 1, max: 64 },
    ],
    reply: [{ name: 'ehcId', kind: 'bytes', min: 16, max: 96, multipleOf: 16 }],
  },
  VA: {
    name: 'encrypt-validity',
    request: [keyIndex, { name: 'instantMs', kind: 'u64' }, timeZone],
    reply: [
      { name: 'block', kind: 'bytes', min: 16, max: 16 },
      { name: 'digits', kind: 'text', min: 14, max: 14 },
    ],
  },
  VC: {
    name: 'check-validity',
    request: [
      keyIndex,
      { name: 'block', kind: 'bytes', min: 16, max: 16 },
      { name: 'nowMs', kind: 'u64' },
      { name: 'lifetimeS', kind: 'u32' },
      { name: 'skewS', kind: 'u32' },
      timeZone,
    ],
    /** verdict: see `VALIDITY_VERDICTS`; generatedMs/digits are 0/'' for garbage. */
    reply: [
      { name: 'verdict', kind: 'u8' },
      { name: 'generatedMs', kind: 'u64' },
      { name: 'digits', kind: 'text', max: 14 },
    ],
  },
  ZF: {
    name: 'fault-control',
    /** JSON fault settings; honoured only by a machine started with fault control enabled. */
    request: [{ name: 'faults', kind: 'text', max: 1024 }],
    reply: [],
  },
} as const satisfies Record<
  string,
  { name: string; request: readonly FieldSpec[]; reply: readonly FieldSpec[] }
>;

export type HsmCommand = keyof typeof COMMANDS;
export type RequestFields<C extends HsmCommand> = FieldValues<(typeof COMMANDS)[C]['request']>;
export type RequestInputs<C extends HsmCommand> = FieldInputs<(typeof COMMANDS)[C]['request']>;
export type ReplyFields<C extends HsmCommand> = FieldValues<(typeof COMMANDS)[C]['reply']>;
export type ReplyInputs<C extends HsmCommand> = FieldInputs<(typeof COMMANDS)[C]['reply']>;

/** A decoded request, discriminated by `cmd`. */
export type HsmRequest = {
  [C in HsmCommand]: { readonly cmd: C; readonly fields: RequestFields<C> };
}[HsmCommand];

/** The validity-check verdict byte. */
export const VALIDITY_VERDICTS = [
  'valid',
  'expired',
  'not-yet-valid',
  'not-bcd',
  'bad-padding',
  'bad-date',
] as const;
export type ValidityVerdict = (typeof VALIDITY_VERDICTS)[number];

export const SM4_MODES = ['ecb', 'cbc'] as const;

export function isHsmCommand(c: string): c is HsmCommand {
  return Object.hasOwn(COMMANDS, c);
}

/** The reply's command: the request's with its last character + 1 (NC → ND, VC → VD). */
export function replyCommand(cmd: string): string {
  return cmd.slice(0, -1) + String.fromCharCode(cmd.charCodeAt(cmd.length - 1) + 1);
}
