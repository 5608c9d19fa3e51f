import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as run } from '../../test/support/run-cli.js';

const DYNAMIC =
  '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33:0:07EDF114B1651BA63D112011E74C1EC3';

afterEach(() => {
  process.exitCode = undefined;
});

describe('ehc qr', () => {
  it('parse --json prints the code and exits 0 (scanner additions stripped)', async () => {
    const r = await run('qr', 'parse', `]Q1${DYNAMIC}\r\n`, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      ehcId: DYNAMIC.slice(0, 64),
      kind: 'dynamic',
      validity: DYNAMIC.slice(67),
      raw: DYNAMIC,
    });
  });

  it('parse --json prints the typed error and exits 1', async () => {
    const r = await run('qr', 'parse', `${DYNAMIC.slice(0, 64)}:7`, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ error: { type: 'unknown-type', message: expect.any(String) } });
  });

  it('parse without --json prints a summary, or the error on stderr', async () => {
    const ok = await run('qr', 'parse', '272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58:1');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('kind:     static');
    const bad = await run('qr', 'parse', 'hello');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('format');
  });

  it('format writes the canonical text; bad fields exit 2', async () => {
    const r = await run(
      'qr',
      'format',
      '--ehc-id',
      DYNAMIC.slice(0, 64).toLowerCase(),
      '--kind',
      'dynamic',
      '--validity',
      DYNAMIC.slice(67),
    );
    expect(r).toMatchObject({ code: 0, out: `${DYNAMIC}\n` });
    const s = await run('qr', 'format', '--ehc-id', 'A'.repeat(32), '--org', '5100A0013', '--json');
    expect(JSON.parse(s.out)).toEqual({ text: `${'A'.repeat(32)}:1::5100A0013` });
    expect((await run('qr', 'format', '--ehc-id', 'A'.repeat(31))).code).toBe(2);
    expect((await run('qr', 'format', '--ehc-id', 'A'.repeat(32), '--kind', 'weird')).code).toBe(2);
  });

  it('the real binary entry point sets exit code 1 on a parse error (spawned)', async () => {
    const exec = promisify(execFile);
    const bad = await exec('npx', ['tsx', 'cli/main.ts', 'qr', 'parse', 'nope', '--json']).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.type).toBe('format');
  }, 20_000);
});
