import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import { DISK_FAIL_BYTES, storageCheck } from './storage.js';

function setup(file: (dir: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'ehc-doctor-store-'));
  const path = file(dir);
  const config = parseAgentConfig({
    verify: { mode: 'hsm' },
    hsm: { primary: '127.0.0.1:1' },
    storage: { file: path },
  });
  return { dir, path, config };
}

describe('doctor storage', () => {
  it('a sound database with room on the disk is ok (opened read-only: nothing written)', async () => {
    const { dir, path, config } = setup((d) => {
      const p = join(d, 'agent.db');
      const db = new Database(p);
      db.exec('create table t (x); insert into t values (1)');
      db.close();
      return p;
    });
    const env = fakeEnv(dir, { fs: { statfs: async () => ({ bavail: 1_000_000, bsize: 4096 }) } });
    const results = await runChecks([storageCheck], { env, config });
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['ok', `3906 MiB free in ${dir}`],
      ['ok', `${path} integrity ok`],
    ]);
  });

  it('a damaged file fails, a missing one warns it will be created, a full disk fails', async () => {
    const broken = setup((d) => {
      const p = join(d, 'agent.db');
      writeFileSync(p, Buffer.alloc(8192, 0x5a));
      return p;
    });
    const low = fakeEnv(broken.dir, {
      fs: { statfs: async () => ({ bavail: DISK_FAIL_BYTES / 4096 - 1, bsize: 4096 }) },
    });
    const results = await runChecks([storageCheck], { env: low, config: broken.config });
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]?.fix).toContain('free disk space');
    expect(results[1]?.detail).toContain('cannot be opened as SQLite');

    const missing = setup((d) => join(d, 'new.db'));
    const [, r] = await runChecks([storageCheck], { env: fakeEnv(missing.dir), config: missing.config });
    expect(r).toMatchObject({ status: 'warn', detail: expect.stringContaining('the agent will create it') });
  });
});
