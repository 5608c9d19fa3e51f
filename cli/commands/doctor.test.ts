// `ehc doctor` through the in-process CLI runner: exit codes, --json, text lines matching the JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLine } from '../../doctor/report.js';
import type { CheckResult } from '../../doctor/types.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { runCli as run } from '../../test/support/run-cli.js';

let dir: string;
let machine: CipherMachineServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-cli-doctor-'));
  machine = await CipherMachineServer.start({ keys: generateKeys(), logger: pino({ level: 'silent' }) });
  const db = new Database(join(dir, 'agent.db'));
  db.exec('create table t (x)');
  db.close();
});
afterAll(() => machine?.close());

function config(name: string, value: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(value));
  return f;
}

describe('ehc doctor', () => {
  it('an invalid configuration exits 1; --json lists every error with its path and matches the text', async () => {
    const f = config('bad.json', { verify: { mode: 'sometimes', skewS: -1 } });
    const json = await run('doctor', '--config', f, '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { ok: boolean; checks: CheckResult[] };
    expect(report.ok).toBe(false);
    const paths = report.checks.filter((c) => c.id === 'config').map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining(['verify.mode', 'verify.skewS']));
    const text = await run('doctor', '--config', f);
    expect(text.code).toBe(1);
    expect(text.out.trimEnd().split('\n').slice(0, -1)).toEqual(report.checks.map(formatLine));
    expect(json.err + text.err).toBe('');
  });

  it('a reachable cipher machine and a sound database: the exit code is 0 exactly when nothing fails', async () => {
    const f = config('good.json', {
      verify: { mode: 'hsm' },
      hsm: { primary: `127.0.0.1:${machine.address().port}` },
      storage: { file: join(dir, 'agent.db') },
      api: { enabled: false },
    });
    const r = await run('doctor', '--config', f, '--json');
    const report = JSON.parse(r.out) as { ok: boolean; checks: CheckResult[] };
    const ids = ['config', 'keys', 'peers', 'clock', 'storage'];
    expect(ids.every((id) => report.checks.some((c) => c.id === id))).toBe(true);
    expect(report.checks.filter((c) => ids.includes(c.id) && c.status !== 'ok')).toEqual([]);
    expect(r.code).toBe(report.checks.some((c) => c.status === 'fail') ? 1 : 0);
    expect(report.ok).toBe(r.code === 0);
  });
});
