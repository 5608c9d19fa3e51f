import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import type { DoctorEnv } from '../types.js';
import { keysCheck } from './keys.js';

// The committed test-only PKI: a CA, client and server certificates it signed, a self-signed rogue (valid to 2126).
const PKI = fileURLToPath(new URL('../../lab/fixtures/', import.meta.url));

function setup(files: { cert: string; key: string }, keyMode: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ehc-doctor-keys-'));
  for (const f of ['ca.crt', files.cert, files.key]) copyFileSync(join(PKI, f), join(dir, f));
  chmodSync(join(dir, files.key), keyMode);
  const config = parseAgentConfig({
    verify: { mode: 'hsm' },
    hsm: {
      primary: '127.0.0.1:1818',
      tls: { ca: join(dir, 'ca.crt'), cert: join(dir, files.cert), key: join(dir, files.key) },
    },
  });
  return { dir, config, key: join(dir, files.key) };
}

const run = (env: DoctorEnv, config: ReturnType<typeof parseAgentConfig>) =>
  runChecks([keysCheck], { env, config });

describe('doctor keys', () => {
  it('a client key readable by everyone (0644) fails with the chmod fix', async () => {
    const { dir, config, key } = setup({ cert: 'client.crt', key: 'client.key' }, 0o644);
    const results = await run(fakeEnv(dir), config);
    const bad = results.filter((r) => r.status === 'fail');
    expect(bad).toEqual([
      {
        id: 'keys',
        status: 'fail',
        detail: `key file ${key} mode 0644 lets others read or change it`,
        fix: expect.stringContaining(`chmod 600 ${key}`),
      },
    ]);
  });

  it('0600 and 0640 keys, valid chain and matching key: all ok', async () => {
    for (const mode of [0o600, 0o640]) {
      const { dir, config } = setup({ cert: 'client.crt', key: 'client.key' }, mode);
      const results = await run(fakeEnv(dir), config);
      expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    }
  });

  it('an expired certificate (clock in 2127) fails with the renewal fix', async () => {
    const { dir, config } = setup({ cert: 'client.crt', key: 'client.key' }, 0o600);
    const results = await run(fakeEnv(dir, { now: () => Date.UTC(2127, 0, 1) }), config);
    const expired = results.filter((r) => r.detail.includes('expired on'));
    expect(expired.map((r) => r.status)).toEqual(['fail', 'fail']); // the CA and the client certificate
    expect(expired[0]?.fix).toContain('renew');
  });

  it('a certificate not issued by the configured CA fails, and so does a key of another certificate', async () => {
    const rogue = setup({ cert: 'rogue.crt', key: 'rogue.key' }, 0o600);
    const chain = (await run(fakeEnv(rogue.dir), rogue.config)).filter((r) => r.status === 'fail');
    expect(chain).toHaveLength(1);
    expect(chain[0]?.detail).toContain('is not issued by');

    const mixed = setup({ cert: 'client.crt', key: 'server.key' }, 0o600);
    const mismatch = (await run(fakeEnv(mixed.dir), mixed.config)).filter((r) => r.status === 'fail');
    expect(mismatch.map((r) => r.detail)).toEqual([expect.stringContaining('does not belong to')]);
  });

  it('a missing key file fails naming the path', async () => {
    const { dir, config, key } = setup({ cert: 'client.crt', key: 'client.key' }, 0o600);
    const results = await run(
      fakeEnv(dir, {
        fs: {
          readFile: async (p) => {
            if (p === key) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
            return (await import('node:fs/promises')).readFile(p);
          },
        },
      }),
      config,
    );
    expect(results.filter((r) => r.status === 'fail').map((r) => r.detail)).toEqual([
      `key file ${key} is missing`,
    ]);
  });
});
