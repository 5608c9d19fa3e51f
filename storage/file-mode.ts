import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { StoreError } from './errors.js';

/**
 * Files that hold personal data or secrets (databases: replay guard, outbox, audit log, accounts;
 * private keys) are created `0600` and refused when others can read or write them. A group may
 * read (`0640`: a service group shared with a backup or monitoring user); nothing for others.
 * Not enforced on Windows (no POSIX modes).
 */
const OTHERS = 0o007;
const enforced = (): boolean => process.platform !== 'win32';

/** A SQLite "file" that is not a file on disk (`:memory:`, an empty name, a `file:` URI). */
const notAFile = (path: string): boolean => path === '' || path === ':memory:' || path.startsWith('file:');

/** Throws `STORE_PERMISSIONS` if `path` exists and others have any access to it. */
export function assertPrivate(path: string, what: string): void {
  if (!enforced() || !existsSync(path)) return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & OTHERS) !== 0) {
    throw new StoreError(
      'STORE_PERMISSIONS',
      `${what} ${path} is accessible to others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 (or 640) it`,
    );
  }
}

/**
 * Before SQLite opens `path`: an existing database (and its `-wal` / `-shm` files) must not be
 * accessible to others; a new one is created empty with mode 0600, so that SQLite, which gives
 * its journal files the database's mode, creates those 0600 too whatever the umask.
 */
export function prepareDatabaseFile(path: string): void {
  if (notAFile(path) || !enforced()) return;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) assertPrivate(f, 'database file');
  if (existsSync(path)) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') {
      assertPrivate(path, 'database file'); // created meanwhile by another process
      return;
    }
    throw new StoreError('STORE_OPEN_FAILED', 'cannot create the database file', { cause: e });
  }
}

/** Reads a private key (or other secret) file, refusing one others can access. */
export function readPrivateFile(path: string, what = 'private key file'): Buffer {
  assertPrivate(path, what);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new StoreError('STORE_OPEN_FAILED', `cannot read ${what} ${path}`, { cause: e });
  }
}
