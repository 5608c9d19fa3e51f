import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CentralStore } from '../../storage/central/contract.js';
import { CentralSetupError } from './errors.js';

/**
 * Backup and restore of the central data (spec §5.5-3), by file name inside a backup directory:
 * requests name a file, never a path, so an admin call cannot read or write elsewhere.
 */
const NAME_RE = /^[\w-][\w.-]{0,127}$/;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name.includes('..')) {
    throw new CentralSetupError('CENTRAL_SETUP_BACKUP_NAME', 'backup name must be letters, digits, . _ -');
  }
  return name;
}

/** `central-20240101T120000Z.db`-style default names, sortable by time. */
export function defaultBackupName(nowMs: number): string {
  return `central-${new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.db`;
}

/** Writes an online backup into `dir`; returns the file name used. */
export async function backupCentral(
  store: CentralStore,
  dir: string,
  name: unknown,
  nowMs: number,
): Promise<string> {
  const file = name === undefined ? defaultBackupName(nowMs) : checkName(name);
  await mkdir(dir, { recursive: true });
  await store.backup(join(dir, file));
  return file;
}

/** Replaces all central data with the backup `name` from `dir`. */
export async function restoreCentral(store: CentralStore, dir: string, name: unknown): Promise<void> {
  await store.restore(join(dir, checkName(name)));
}

/** The backup files in `dir` (none if it does not exist), sorted. */
export async function listBackups(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => NAME_RE.test(n)).sort();
  } catch {
    return [];
  }
}
