import { EhcError, isEhcError } from '../protocol/errors.js';

/**
 * Errors of the certification tool: bad configuration or options (`CERTIFY_CONFIG`), an
 * environment that cannot be built (`CERTIFY_SETUP`: a port, a child process, TLS material), a
 * peer that answered something a check cannot interpret (`CERTIFY_PROBE`), an item table or check
 * map that does not hold together (`CERTIFY_CATALOGUE`, thrown at load).
 */
export type CertifyErrorCode = 'CERTIFY_CONFIG' | 'CERTIFY_SETUP' | 'CERTIFY_PROBE' | 'CERTIFY_CATALOGUE';

export class CertifyError extends EhcError {
  declare readonly code: CertifyErrorCode;

  constructor(code: CertifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function isCertifyError(x: unknown): x is CertifyError {
  return isEhcError(x) && x.code.startsWith('CERTIFY_');
}
