import { readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/support/run-cli.js';
import { checkUdevRules } from './udev-syntax.js';

const cli = resolve('kiosk/install.ts'); // an existing file stands in for dist/cli.js

describe('ehc service install', () => {
  it('--print shows the sysusers entry, the udev rules and the unit, and writes nothing', async () => {
    const r = await runCli(
      'service',
      'install',
      '--print',
      '--cli',
      cli,
      '--user',
      'kiosk',
      '--group',
      'kiosk',
    );
    expect(r.code).toBe(0);
    const headers = [...r.out.matchAll(/^# ---- (.+)$/gm)].map((m) => m[1]);
    expect(headers).toEqual([
      '/etc/sysusers.d/ehc-agent.conf',
      '/etc/udev/rules.d/70-ehc-scanners.rules',
      '/etc/systemd/system/ehc-agent.service',
    ]);
    expect(r.out).toContain('User=kiosk');
    expect(r.out).toContain(`ExecStart=${process.execPath} ${cli} agent --config /etc/ehc-agent/agent.json`);
  });

  it('writes the files under --root and prints the activation commands', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ehc-root-'));
    const r = await runCli('service', 'install', '--root', root, '--cli', cli, '--data-dir', '/srv/ehc');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const unit = readFileSync(join(root, 'etc/systemd/system/ehc-agent.service'), 'utf8');
    expect(unit).toContain('ReadWritePaths=/srv/ehc');
    const rules = readFileSync(join(root, 'etc/udev/rules.d/70-ehc-scanners.rules'), 'utf8');
    expect(checkUdevRules(rules)).toEqual([]);
    expect(statSync(join(root, 'etc/sysusers.d/ehc-agent.conf')).mode & 0o777).toBe(0o644);
    expect(r.out).toMatch(/systemctl daemon-reload/);
    expect(r.out).toMatch(/ehc doctor --config/);
  });

  it('refuses an unsafe value with a usage error, writing nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ehc-root-'));
    const r = await runCli('service', 'install', '--root', root, '--cli', cli, '--data-dir', 'relative/dir');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dataDir: 'relative\/dir' must be an absolute path/);
  });
});
