import { EhcError } from '../../protocol/errors.js';

/** Bad client options (CENTRAL_CLIENT_BAD_OPTION): a configuration error, thrown by the constructor. */
export class CentralClientError extends EhcError {}

export const isCentralClientError = (x: unknown): x is CentralClientError =>
  x instanceof EhcError && x.code.startsWith('CENTRAL_CLIENT_');
