// `ehc sim central --db postgres://…`: two real processes side by side on one database are one
// service; a database that does not answer at start is a clear error with the password masked.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { findPostgres, startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { APP, call, dynamicCode, fakeClock, type Harness, person, TERMINAL, verifyBiz } from './harness.js';

const bin = findPostgres();
const ROOT = join(import.meta.dirname, '../..');

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly origin: string;
  readonly exited: Promise<number | null>;
}

function central(args: readonly string[]): {
  child: ChildProcess;
  ready: Promise<{ url: string }>;
  exited: Promise<number | null>;
  err: () => string;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'sim', 'central', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ url: string }>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line) resolve(JSON.parse(line) as { url: string });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, ready, exited, err: () => err };
}

// One soft cipher machine and configuration for the whole file.
let dir: string;
let hsm: CipherMachineServer;
let config: string;
/** The flags every instance shares: any port, the soft cipher machine, the app and terminal. */
const common = (): string[] => ['--port', '0', '--hsm', hsm.endpoint, '--config', config];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-central-cli-pg-'));
  hsm = await CipherMachineServer.start({ keys: generateKeys() });
  config = join(dir, 'central.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [{ ...APP, name: 'cli test' }],
      terminals: [{ terminalCode: TERMINAL }],
      hsmTimeoutMs: 5000,
    }),
  );
});
afterAll(async () => {
  await hsm?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ehc sim central with an unreachable PostgreSQL', () => {
  it('refuses to start when the database does not answer, naming it with the password masked', async () => {
    const c = central([
      ...common(),
      '--db',
      'postgres://ehc:hunter2@127.0.0.1:1/none',
      '--log-level',
      'silent',
    ]);
    c.ready.catch(() => undefined);
    expect(await c.exited).toBe(2);
    expect(c.err()).toContain('postgres://ehc:***@127.0.0.1:1/none');
    expect(c.err()).not.toContain('hunter2');
  }, 30_000);
});

describe.skipIf(bin === undefined)('ehc sim central: two processes on one PostgreSQL database', () => {
  let pg: ThrowawayPostgres;
  const procs: Running[] = [];
  beforeAll(async () => {
    pg = await startPostgres(bin!);
    for (let i = 0; i < 2; i++) {
      const c = central([...common(), '--db', pg.url, '--db-pool', '5']);
      const ready = await c.ready;
      procs.push({ child: c.child, url: ready.url, origin: new URL(ready.url).origin, exited: c.exited });
    }
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    pg?.stop();
  });

  it('register on one, generate on the other, verify once across both; SIGTERM stops each cleanly', async () => {
    const clock = fakeClock(Date.now());
    const h = (i: number): Harness => ({ service: { url: procs[i]!.url }, clock }) as unknown as Harness;
    const reg = {
      register_no: `R${Date.now()}`,
      register_time: '20240301100000',
      ...person(7),
      cellphone: '13812345678',
    };
    const a = await call(h(0), 'ehc.ehealthcard.register', reg);
    clock.advance(1);
    const b = await call(h(1), 'ehc.ehealthcard.register', reg);
    expect(a.status).toBe('success');
    expect(b).toEqual(a); // same register_no → the same card, from the other process
    const ehcId = a.status === 'success' ? String(a.biz.ehealth_card_id) : '';
    const code = await dynamicCode(h(1), ehcId);
    clock.advance(1);
    expect((await call(h(0), 'ehc.ehealthcode.verify', verifyBiz(code))).status).toBe('success');
    clock.advance(1);
    expect(await call(h(1), 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({
      status: 'failure',
      errCode: 'CODE_USED',
    });
    for (const p of procs) {
      const health = (await (await fetch(`${p.origin}/healthz`)).json()) as { checks: { db: unknown } };
      expect(health.checks.db).toMatchObject({ ok: true, kind: 'postgres', state: 'connected' });
    }
    for (const p of procs) p.child.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
  }, 60_000);
});
