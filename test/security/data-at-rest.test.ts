// Data at rest: databases (agent store with its outbox, accounts, central store) and key files are
// created 0600 — their WAL and shared-memory files too, whatever the umask — and refused when
// others can read or write them (0640, a group, is allowed). Real files in a temporary directory.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminService } from '../../agent/admin/index.js';
import { OutboxStore } from '../../agent/outbox/outbox-store.js';
import { loadKeyFile } from '../../sim/cipher-machine/key-file.js';
import { writeNewKeyFile } from '../../sim/cipher-machine/keygen.js';
import { readPrivateFile } from '../../storage/file-mode.js';
import { openSqlite } from '../../storage/sqlite.js';
import { TEST_COST } from '../agent-api/support/harness.js';

const isWindows = process.platform === 'win32';
let dir = '';
let umask = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-at-rest-'));
  umask = process.umask(0o022); // the usual default: files 0644 unless the code says otherwise
});
afterAll(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (p: string): number => statSync(p).mode & 0o777;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe.skipIf(isWindows)('databases', () => {
  it('the agent store with its outbox: the file, its WAL and shm are 0600', () => {
    const file = join(dir, 'agent.db');
    const db = openSqlite(file, { foreignKeys: true });
    const outbox = new OutboxStore(db);
    outbox.enqueue(
      {
        recordId: 'r1',
        ehcId: 'A'.repeat(64),
        codeKind: 'dynamic',
        medStepCode: '010101',
        terminalCode: 'T1',
        channelCode: '01',
        usedAt: new Date(0).toISOString(),
      },
      0,
    );
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe(0o600);
    db.close();
  });

  it('the accounts database opened from a path is 0600', async () => {
    const file = join(dir, 'admin.db');
    const admin = new AdminService({ database: file, scryptCost: TEST_COST, sweepIntervalMs: 0 });
    await admin.bootstrap('Initial-Pass-1');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe(0o600);
    admin.close();
  });

  it('refuses a database (or its WAL) others can read or write; a group may read', () => {
    const file = join(dir, 'shared.db');
    openSqlite(file).close();
    for (const mode of [0o644, 0o604, 0o602, 0o666]) {
      chmodSync(file, mode);
      expect(
        codeOf(() => openSqlite(file)),
        mode.toString(8),
      ).toBe('STORE_PERMISSIONS');
      expect(
        codeOf(() => new AdminService({ database: file, scryptCost: TEST_COST })),
        mode.toString(8),
      ).toBe('STORE_PERMISSIONS');
    }
    chmodSync(file, 0o640);
    openSqlite(file).close();
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    expect(codeOf(() => openSqlite(file))).toBe('STORE_PERMISSIONS');
  });
});

describe.skipIf(isWindows)('key files', () => {
  it('a new cipher-machine key file is 0600 even over an existing 0644 file', () => {
    const file = join(dir, 'keys.json');
    writeNewKeyFile(file);
    expect(modeOf(file)).toBe(0o600);
    chmodSync(file, 0o644);
    writeNewKeyFile(file, { force: true });
    expect(modeOf(file)).toBe(0o600);
  });

  it('a key file others can read is refused', () => {
    const file = join(dir, 'keys-open.json');
    writeNewKeyFile(file);
    expect(loadKeyFile(file).length).toBeGreaterThan(0);
    chmodSync(file, 0o604);
    expect(codeOf(() => loadKeyFile(file))).toBe('KEYFILE_PERMISSIONS');
    chmodSync(file, 0o640);
    expect(loadKeyFile(file).length).toBeGreaterThan(0);
  });

  it('the agent reads its TLS private keys only when others cannot', () => {
    const file = join(dir, 'api.key');
    writeFileSync(file, 'not really a key', { mode: 0o600 });
    expect(readPrivateFile(file).toString()).toBe('not really a key');
    chmodSync(file, 0o644);
    expect(codeOf(() => readPrivateFile(file))).toBe('STORE_PERMISSIONS');
  });
});
