/**
 * GM/T 0018-2012 appendix A error codes (SDR_*) and their 2-digit reply error codes. The mapping
 * is arithmetic: reply code `NN` (decimal) ⇔ `SDR_BASE + NN`, so `00` is SDR_OK, `08` is
 * SDR_KEYNOTEXIST, `14` SDR_VERIFYERR, `29` SDR_INARGERR. Codes 31–41 are vendor extensions
 * (0x1F–0x29, names as in the ldacs_crypto sdf-err.h header). Anything else is an unknown code:
 * the client treats it as unavailable.
 */
export const SDR_BASE = 0x0100_0000;

export const SDR_NAMES = [
  'SDR_OK',
  'SDR_UNKNOWERR',
  'SDR_NOTSUPPORT',
  'SDR_COMMFAIL',
  'SDR_HARDFAIL',
  'SDR_OPENDEVICE',
  'SDR_OPENSESSION',
  'SDR_PARDENY',
  'SDR_KEYNOTEXIST',
  'SDR_ALGNOTSUPPORT',
  'SDR_ALGMODNOTSUPPORT',
  'SDR_PKOPERR',
  'SDR_SKOPERR',
  'SDR_SIGNERR',
  'SDR_VERIFYERR',
  'SDR_SYMOPERR',
  'SDR_STEPERR',
  'SDR_FILESIZEERR',
  'SDR_FILENOEXIST',
  'SDR_FILEOFSERR',
  'SDR_KEYTYPEERR',
  'SDR_KEYERR',
  'SDR_ENCDATAERR',
  'SDR_RANDERR',
  'SDR_PRKRERR',
  'SDR_MACERR',
  'SDR_FILEEXISTS',
  'SDR_FILEWERR',
  'SDR_NOBUFFER',
  'SDR_INARGERR',
  'SDR_OUTARGERR',
  'SDR_NOMANAGEMENTAUTH',
  'SDR_NOOPERATIONAUTH',
  'SDR_MALLOCERR',
  'SDR_HANDLENULL',
  'SDR_PARAMETERSERR',
  'SDR_DEVICEERR',
  'SDR_CREATEFILEERR',
  'SDR_PRIVATEERR',
  'SDR_LENGTH_ERROR',
  'SDR_INDEX_ERROR',
  'SDR_KEYLENGTHERROR',
] as const;

export type SdrName = (typeof SDR_NAMES)[number];

/** The 2-digit reply codes the soft cipher machine uses, by SDR name. */
export const ERR = {
  OK: '00',
  UNKNOWN: '01',
  NOT_SUPPORTED: '02',
  HARDWARE: '04',
  PERMISSION_DENIED: '07',
  KEY_NOT_FOUND: '08',
  ALGORITHM_MODE_NOT_SUPPORTED: '10',
  SIGN_FAILED: '13',
  VERIFY_FAILED: '14',
  SYMMETRIC_FAILED: '15',
  KEY_TYPE: '20',
  BAD_CIPHERTEXT: '22',
  RANDOM_FAILED: '23',
  BAD_ARGUMENT: '29',
} as const;

/** `'08'` → `'SDR_KEYNOTEXIST'`; undefined for codes outside the table (or not 2 digits). */
export function sdrNameOfCode(code: string): SdrName | undefined {
  if (!/^\d\d$/.test(code)) return undefined;
  return SDR_NAMES[Number(code)];
}

/** `SDR_BASE + 8` → `'08'`; `0` → `'00'`; undefined for values outside the table. */
export function codeOfSdr(sdr: number): string | undefined {
  const n = sdr === 0 ? 0 : sdr - SDR_BASE;
  if (!Number.isInteger(n) || n < 0 || n >= SDR_NAMES.length) return undefined;
  if (sdr !== 0 && n === 0) return undefined;
  return n < 10 ? `0${n}` : String(n);
}

/** The numeric SDR value of a reply code (`'14'` → 0x0100000E); undefined when unknown. */
export function sdrOfCode(code: string): number | undefined {
  if (sdrNameOfCode(code) === undefined) return undefined;
  const n = Number(code);
  return n === 0 ? 0 : SDR_BASE + n;
}

export function isErrorCode(code: string): boolean {
  return /^\d\d$/.test(code);
}
