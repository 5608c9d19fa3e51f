import { EhcError } from '../errors.js';

/**
 * Thrown by `formatEhcCode` when handed a code whose fields cannot form a valid QR text: a
 * programming error (parsing never throws; its failures are values).
 */
export class QrCodeError extends EhcError {}

export const isQrCodeError = (x: unknown): x is QrCodeError =>
  x instanceof EhcError && typeof x.code === 'string' && x.code.startsWith('QR_');
