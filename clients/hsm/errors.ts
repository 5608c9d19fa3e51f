import { EhcError, isEhcError } from '../../protocol/errors.js';

/**
 * Client-side failures. Calls never throw or reject: these errors appear as the `cause` behind an
 * `unavailable` result's reason, in events, and as the synchronous error of `createHsmClient` for
 * invalid options (a programming error).
 */
export type HsmClientErrorCode =
  | 'HSM_CLIENT_BAD_OPTION'
  | 'HSM_CLIENT_BAD_ENDPOINT'
  | 'HSM_CLIENT_CONNECT_FAILED'
  | 'HSM_CLIENT_CONNECT_TIMEOUT'
  | 'HSM_CLIENT_CONNECTION_LOST'
  | 'HSM_CLIENT_MALFORMED_STREAM';

export class HsmClientError extends EhcError {
  constructor(code: HsmClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isHsmClientError = (x: unknown): x is HsmClientError =>
  isEhcError(x) && x.code.startsWith('HSM_CLIENT_');
