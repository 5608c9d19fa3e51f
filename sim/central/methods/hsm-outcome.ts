import type { HsmNo, HsmResult } from '../../../clients/hsm/types.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';

/**
 * Maps a cipher-machine result onto the central service's answer. `unavailable` is always the
 * "cipher machine unavailable" refusal (spec §5.2-4: no answer, no business — never success);
 * a definite `no` becomes the refusal `onNo` chooses.
 */
export function hsmValue<T>(r: HsmResult<T>, onNo: (no: HsmNo) => CentralError): T {
  if (r.status === 'ok') return r.value;
  if (r.status === 'no') throw onNo(r);
  throw new CentralError(
    CENTRAL_ERROR_CODES.HSM_UNAVAILABLE,
    `cipher machine unavailable (${r.reason}): nothing was accepted or created`,
  );
}

/** A `no` where none is expected (e.g. key derivation refused): the service cannot do its job. */
export function unexpectedNo(what: string): (no: HsmNo) => CentralError {
  return (no) =>
    new CentralError(CENTRAL_ERROR_CODES.HSM_UNAVAILABLE, `cipher machine refused ${what} (${no.reason})`);
}

/** The refusal for a dynamic code whose validity block the machine rejected. */
export function validityRefusal(no: HsmNo): CentralError {
  switch (no.reason) {
    case 'expired':
      return new CentralError(CENTRAL_ERROR_CODES.CODE_EXPIRED, 'the dynamic code has expired');
    case 'not-yet-valid':
      return new CentralError(CENTRAL_ERROR_CODES.CODE_NOT_YET_VALID, 'the dynamic code is not valid yet');
    default:
      return new CentralError(
        CENTRAL_ERROR_CODES.CODE_FORGED,
        'the validity block does not decrypt to a time under the protect key',
      );
  }
}
