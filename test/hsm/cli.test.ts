// The `ehc hsm …` and `ehc sim hsm` commands, against a real cipher machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHsmClient } from '../../clients/hsm/client.js';
import { encryptValidity } from '../../protocol/crypto/validity.js';
import { runCli as run } from '../support/run-cli.js';
import { Harness, KEYS, okValue } from './helpers.js';

const h = new Harness();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-cli-'));
});
afterEach(async () => {
  await h.cleanup();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

const EHC_ID = '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33';
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

describe('ehc hsm', () => {
  it('keygen writes an owner-only key file and prints no key values', async () => {
    const f = join(dir, 'keys.json');
    const r = await run('hsm', 'keygen', '--out', f, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ file: f, wrapped: false, keys: expect.any(Array) });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const values = JSON.parse(readFileSync(f, 'utf8')).keys.map((k: { value: string }) => k.value);
    for (const v of values) expect(r.out).not.toContain(v);
    expect((await run('hsm', 'keygen', '--out', f)).code).toBe(2);
    expect((await run('hsm', 'keygen', '--out', join(dir, 'w.json'), '--wrap')).code).toBe(2);
  });

  it('info prints the identity; an unreachable machine exits 2', async () => {
    const m = await h.machine({ identity: { model: 'CERT-MODEL-1' } });
    const r = await run('hsm', 'info', '--hsm', m.endpoint, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      status: 'ok',
      value: { model: 'CERT-MODEL-1', vendor: 'ehc-terminal' },
    });
    await m.close();
    const down = await run('hsm', 'info', '--hsm', m.endpoint, '--json', '--timeout', '300');
    expect(down.code).toBe(2);
    expect(JSON.parse(down.out)).toMatchObject({ status: 'unavailable' });
    expect((await run('hsm', 'info', '--hsm', 'nonsense')).code).toBe(2);
  });

  it('check accepts the QR as a scanner delivers it and exits 0 / 1 by verdict', async () => {
    const m = await h.machine({ now: () => NOW });
    const validity = encryptValidity(KEYS[0]!.value, NOW).toString('hex');
    const scanned = `]Q1${EHC_ID.toLowerCase()}:0:${validity}\r\n`;
    const ok = await run('hsm', 'check', '--hsm', m.endpoint, '--qr', scanned, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ kind: 'dynamic', status: 'ok', value: { generatedMs: NOW } });
    const late = await run(
      'hsm',
      'check',
      '--hsm',
      m.endpoint,
      '--qr',
      scanned,
      '--now',
      String(NOW + 66_000),
      '--json',
    );
    expect(late.code).toBe(1);
    expect(JSON.parse(late.out)).toMatchObject({ status: 'no', reason: 'expired' });
    const longer = await run(
      'hsm',
      'check',
      '--hsm',
      m.endpoint,
      '--qr',
      scanned,
      '--now',
      String(NOW + 66_000),
      '--lifetime',
      '120',
    );
    expect(longer).toMatchObject({ code: 0, out: expect.stringContaining('valid') });
    const forged = await run(
      'hsm',
      'check',
      '--hsm',
      m.endpoint,
      '--qr',
      `${EHC_ID}:0:${'AB'.repeat(16)}`,
      '--json',
    );
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.out)).toMatchObject({ status: 'no', reason: 'garbage' });
    const stat = await run('hsm', 'check', '--hsm', m.endpoint, '--qr', `${EHC_ID}:1`, '--json');
    expect(stat.code).toBe(1);
    expect(JSON.parse(stat.out)).toMatchObject({ reason: 'bad-qr', error: { type: 'no-validity-field' } });
  });
});

describe('ehc sim hsm', () => {
  it('logs one ready line, serves, and shuts down cleanly on SIGTERM', async () => {
    const keys = join(dir, 'keys.json');
    expect((await run('hsm', 'keygen', '--out', keys)).code).toBe(0);
    const keyValues: string[] = JSON.parse(readFileSync(keys, 'utf8')).keys.map(
      (k: { value: string }) => k.value,
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'sim', 'hsm', '--port', '0', '--keys', keys, '--serial', 'SN-CLI'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await new Promise<{ port: number }>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.includes('"msg":"ready"'));
          if (line) resolve(JSON.parse(line));
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const c = createHsmClient({
        endpoints: [{ host: '127.0.0.1', port: ready.port }],
        heartbeatMs: 0,
        timeoutMs: 5000,
      });
      expect(okValue(await c.info()).serial).toBe('SN-CLI');
      await c.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.filter((l) => l.msg === 'ready')).toHaveLength(1);
    expect(lines.at(-1)!.msg).toBe('closed');
    for (const v of keyValues) expect(out.toUpperCase()).not.toContain(v);
  }, 30_000);
});
