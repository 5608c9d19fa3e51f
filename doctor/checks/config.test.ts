import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeEnv } from '../fake-env.js';
import { checkConfig } from './config.js';

function file(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ehc-doctor-config-'));
  writeFileSync(join(dir, 'agent.json'), text);
  return { dir, path: join(dir, 'agent.json') };
}

describe('doctor config', () => {
  it('reports every schema error with its JSON path, each with a fix', async () => {
    const { dir, path } = file(
      JSON.stringify({
        verify: { mode: 'hsm', lifetimeS: 0 },
        hsm: { primary: '127.0.0.1:1818', timeoutMs: 'fast' },
        scanners: [{ port: 7 }],
        colour: 'blue',
      }),
    );
    const { results, config } = await checkConfig(fakeEnv(dir), path);
    expect(config).toBeUndefined();
    expect(results.every((r) => r.status === 'fail' && r.fix?.includes(r.path!))).toBe(true);
    expect(results.map((r) => r.path).sort()).toEqual([
      'colour',
      'hsm.timeoutMs',
      'scanners[0].id',
      'scanners[0].port',
      'verify.lifetimeS',
    ]);
  });

  it('not JSON and unreadable are one fail each; a valid file is ok and returns the configuration', async () => {
    const bad = file('{ "verify": ');
    expect((await checkConfig(fakeEnv(bad.dir), bad.path)).results[0]?.detail).toContain('not valid JSON');
    const missing = await checkConfig(fakeEnv(bad.dir), join(bad.dir, 'nope.json'));
    expect(missing.results[0]?.detail).toContain('cannot read (ENOENT)');
    const good = file(JSON.stringify({ verify: { mode: 'hsm' }, hsm: { primary: '127.0.0.1:1818' } }));
    const ok = await checkConfig(fakeEnv(good.dir), good.path);
    expect(ok.results.map((r) => r.status)).toEqual(['ok']);
    expect(ok.config?.hsm?.primary).toBe('127.0.0.1:1818');
  });

  it('applies EHC_* overrides like the agent does', async () => {
    const good = file(JSON.stringify({ verify: { mode: 'hsm' }, hsm: { primary: '127.0.0.1:1818' } }));
    const { results } = await checkConfig(
      fakeEnv(good.dir, { vars: { EHC_VERIFY_LIFETIME_S: '0' } }),
      good.path,
    );
    expect(results.map((r) => r.path)).toEqual(['verify.lifetimeS']);
  });
});
