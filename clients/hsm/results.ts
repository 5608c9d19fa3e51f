import type { HsmCommand } from '../../protocol/hsm/commands.js';
import { sdrNameOfCode } from '../../protocol/hsm/sdr.js';
import type { HsmNo, HsmNoReason, HsmOk, HsmUnavailable, HsmUnavailableReason } from './types.js';

export const okResult = <T>(value: T): HsmOk<T> => ({ status: 'ok', value });

export function noResult(
  reason: HsmNoReason,
  message: string,
  extra: Omit<HsmNo, 'status' | 'reason' | 'message'> = {},
): HsmNo {
  return { status: 'no', reason, message, ...extra };
}

export function unavailable(
  reason: HsmUnavailableReason,
  message: string,
  extra: Omit<HsmUnavailable, 'status' | 'reason' | 'message'> = {},
): HsmUnavailable {
  return { status: 'unavailable', reason, message, ...extra };
}

/**
 * A non-`00` reply code → result. Only two codes are definite answers, and only to the command
 * they belong to: SDR_VERIFYERR to a verify, SDR_ENCDATAERR to a decrypt. Every other known code
 * (key missing, hardware failure, bad argument…) is `hsm-error`; an unknown code is
 * `unknown-error-code`: both unavailable (fail closed without blaming the code being checked).
 */
export function resultOfErrorCode(cmd: HsmCommand, code: string, endpoint: string): HsmNo | HsmUnavailable {
  const sdr = sdrNameOfCode(code);
  if (sdr === 'SDR_VERIFYERR' && cmd === 'SC') return noResult('bad-signature', 'signature does not verify');
  if (sdr === 'SDR_ENCDATAERR' && cmd === 'EC')
    return noResult('bad-ciphertext', 'ciphertext does not decrypt');
  if (sdr === undefined) {
    return unavailable('unknown-error-code', `cipher machine answered unknown error code ${code}`, {
      code,
      endpoint,
    });
  }
  return unavailable('hsm-error', `cipher machine answered ${sdr}`, { code, sdr, endpoint });
}
