import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ehc-soak-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ehc soak: command line', () => {
  it('a bad schedule is refused with exit 2, naming the field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, faults: [{ fault: 'central-down', everyS: 5, durationS: 9 }] }),
    );
    const r = await runCli('soak', '--faults', file, '--minutes', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/schedule\.faults\[0\]\.durationS: must be shorter than everyS/);
  });

  it('exactly one of --hours and --minutes; the file must be JSON', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ version: 1, faults: [] }));
    expect((await runCli('soak', '--faults', file)).code).toBe(2);
    expect((await runCli('soak', '--faults', file, '--hours', '1', '--minutes', '3')).code).toBe(2);
    expect((await runCli('soak', '--faults', file, '--minutes', '-1')).code).toBe(2);
    writeFileSync(join(dir, 'not.json'), '{');
    const r = await runCli('soak', '--faults', join(dir, 'not.json'), '--minutes', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .* as JSON/);
  });
});
