import { decodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import { USE_SERVER_DEFAULT, VALIDITY_VERDICTS } from '../../protocol/hsm/commands.js';
import { encodeFastVcRequest, readFastVdReply } from '../../protocol/hsm/fast-vc.js';
import { type Checked, hexBytes, integer } from './args.js';
import { noResult, okResult, resultOfErrorCode, unavailable } from './results.js';
import type { HsmResult, ValidityCheck, ValidityCheckOptions } from './types.js';

/** Lifetime and skew travel as u32; the all-ones value means "the machine's default". */
const MAX_SECONDS = USE_SERVER_DEFAULT - 1;
const DIGITS = /^\d{14}$/;

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function zoneOf(tz: string | undefined): Checked<string> {
  if (tz === undefined) return { ok: true, value: '' };
  return typeof tz === 'string' && tz.length > 0 && tz.length <= 64 && /^[A-Za-z0-9_+\-/]+$/.test(tz)
    ? { ok: true, value: tz }
    : { ok: false, message: 'timeZone must be an IANA zone name' };
}

/**
 * The VC request frame for `checkValidity`, or why the arguments are malformed. The common case
 * (machine's time zone, valid numbers) is written directly at fixed offsets.
 */
export function validityCheckFrame(blockHex: string, o: ValidityCheckOptions): Checked<Buffer> {
  const keyIndex = o.keyIndex ?? 0;
  const nowMs = o.nowMs ?? 0;
  const lifetimeS = o.lifetimeS ?? USE_SERVER_DEFAULT;
  const skewS = o.skewS ?? USE_SERVER_DEFAULT;
  if (
    o.timeZone === undefined &&
    isInt(keyIndex, 0, 0xffff) &&
    (o.nowMs === undefined || isInt(nowMs, 1, Number.MAX_SAFE_INTEGER)) &&
    (o.lifetimeS === undefined || isInt(lifetimeS, 0, MAX_SECONDS)) &&
    (o.skewS === undefined || isInt(skewS, 0, MAX_SECONDS))
  ) {
    const f = encodeFastVcRequest(0, keyIndex, blockHex, nowMs, lifetimeS, skewS);
    if (f !== undefined) return { ok: true, value: f };
  }
  const checks = [
    hexBytes('blockHex', blockHex, [16]),
    integer('keyIndex', keyIndex, 0, 0xffff),
    o.nowMs === undefined ? integer('', 0, 0, 0) : integer('nowMs', o.nowMs, 1, Number.MAX_SAFE_INTEGER),
    o.lifetimeS === undefined
      ? integer('', lifetimeS, 0, lifetimeS)
      : integer('lifetimeS', lifetimeS, 0, MAX_SECONDS),
    o.skewS === undefined ? integer('', skewS, 0, skewS) : integer('skewS', skewS, 0, MAX_SECONDS),
    zoneOf(o.timeZone),
  ] as const;
  for (const c of checks) if (!c.ok) return c;
  const [b, k, n, l, s, z] = checks.map((c) => (c as { value: unknown }).value) as [
    Buffer,
    number,
    number,
    number,
    number,
    string,
  ];
  return {
    ok: true,
    value: encodeRequest(0, 'VC', { keyIndex: k, block: b, nowMs: n, lifetimeS: l, skewS: s, timeZone: z }),
  };
}

function verdictResult(
  verdict: number,
  generatedMs: number,
  digits: string,
  endpoint: string,
): HsmResult<ValidityCheck> {
  const v = VALIDITY_VERDICTS[verdict];
  switch (v) {
    case 'valid':
      return DIGITS.test(digits)
        ? okResult({ generatedMs, digits })
        : unavailable('malformed-reply', 'validity digits are not 14 digits', { endpoint });
    case 'expired':
      return noResult('expired', 'the code has expired', { generatedMs });
    case 'not-yet-valid':
      return noResult('not-yet-valid', 'the code is not valid yet', { generatedMs });
    case undefined:
      return unavailable('malformed-reply', `unknown validity verdict ${verdict}`, { endpoint });
    default:
      return noResult('garbage', 'the validity field does not decrypt to a time', { detail: v });
  }
}

/** The VD reply → result: `ok` only for the `valid` verdict with a well-formed time. */
export function validityCheckReply(body: Buffer, endpoint: string): HsmResult<ValidityCheck> {
  const fast = readFastVdReply(body);
  if (fast !== undefined) return verdictResult(fast.verdict, fast.generatedMs, fast.digits, endpoint);
  const r = decodeReply(body, 'VC');
  if (!r.ok) return unavailable('malformed-reply', `malformed reply: ${r.error.type}`, { endpoint });
  if (!r.value.success) return resultOfErrorCode('VC', r.value.code, endpoint);
  const f = r.value.fields;
  return verdictResult(f.verdict, f.generatedMs, f.digits, endpoint);
}
