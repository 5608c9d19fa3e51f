import { EhcError, isEhcError } from '../../protocol/errors.js';

/**
 * Key-file and configuration failures of the soft cipher machine. Messages name the file, a key
 * index or a field, never a key value (JSON parse errors are not kept as `cause`: Node quotes the
 * offending text in them).
 */
export type CipherMachineErrorCode =
  /** The key file cannot be read. */
  | 'KEYFILE_UNREADABLE'
  /** The key file is readable or writable by anyone (mode & 0o006). */
  | 'KEYFILE_PERMISSIONS'
  /** Not JSON, or not the key-file shape. */
  | 'KEYFILE_INVALID'
  /** A key is wrapped but no master key was supplied. */
  | 'KEYFILE_NO_MASTER_KEY'
  /** A wrapped key does not verify under the master key. */
  | 'KEYFILE_UNWRAP_FAILED'
  /** The master key is not 32 hex characters. */
  | 'KEYFILE_BAD_MASTER_KEY'
  /** keygen cannot write the file. */
  | 'KEYFILE_UNWRITABLE'
  /** keygen would overwrite an existing file. */
  | 'KEYFILE_EXISTS'
  /** Invalid server options (identity, time zone, TLS, faults). */
  | 'CIPHER_MACHINE_BAD_CONFIG';

export class CipherMachineError extends EhcError {
  constructor(code: CipherMachineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const isCipherMachineError = (x: unknown): x is CipherMachineError =>
  isEhcError(x) && (x.code.startsWith('KEYFILE_') || x.code === 'CIPHER_MACHINE_BAD_CONFIG');
