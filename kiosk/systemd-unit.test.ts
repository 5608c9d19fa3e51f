import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from '../test/support/system-tool.js';
import { DEFAULT_LAYOUT, type KioskLayout, KioskLayoutError } from './layout.js';
import { renderSysusers, renderUnit, SCANNER_DEVICE_CLASSES } from './systemd-unit.js';

const layout: KioskLayout = {
  ...DEFAULT_LAYOUT,
  nodePath: process.execPath,
  cliPath: resolve('kiosk/systemd-unit.ts'), // any existing file: verify checks the binary, not the script
};

/** `[Section]` → key → values (a key may repeat, e.g. DeviceAllow). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
    } else if (current && line.includes('=') && !line.startsWith('#')) {
      const at = line.indexOf('=');
      const key = line.slice(0, at);
      current.set(key, [...(current.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return sections;
}

describe('systemd unit', () => {
  const unit = parseUnit(renderUnit(layout));
  const service = unit.get('Service')!;
  const one = (k: string) => service.get(k)?.[0];

  it('runs as the dedicated user, restarts on failure and has a watchdog the agent feeds', () => {
    expect(one('User')).toBe('ehc');
    expect(one('Group')).toBe('ehc');
    expect(one('Restart')).toBe('on-failure');
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('all');
    expect(one('WatchdogSec')).toBe('30s');
    expect(one('ExecStart')).toBe(
      `${process.execPath} ${layout.cliPath} agent --config ${layout.configFile}`,
    );
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('is sandboxed: read-only system, the data directory the only writable path, scanner devices only', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(service.get('ReadWritePaths')).toEqual([layout.dataDir]);
    expect(one('DevicePolicy')).toBe('closed');
    expect(service.get('DeviceAllow')).toEqual(SCANNER_DEVICE_CLASSES.map((c) => `char-${c} rw`));
    expect(one('CapabilityBoundingSet')).toBe('');
  });

  it('refuses values that could inject a directive or need quoting', () => {
    expect(() => renderUnit({ ...layout, dataDir: '/var/lib/x\nExecStartPre=/bin/sh' })).toThrow(
      KioskLayoutError,
    );
    expect(() => renderUnit({ ...layout, configFile: '/etc/my config.json' })).toThrow(/configFile/);
    expect(() => renderUnit({ ...layout, user: 'root;x' })).toThrow(/user/);
    expect(() => renderUnit({ ...layout, watchdogSec: 0 })).toThrow(/watchdogSec/);
  });

  it('the sysusers entry creates the same user, group and home as the unit', () => {
    expect(renderSysusers(layout)).toContain(`u ehc -:ehc "EHC reader-terminal agent" ${layout.dataDir}`);
    expect(renderSysusers({ ...layout, group: 'scanners' })).toMatch(/^g scanners -$/m);
  });

  const analyze = findTool('systemd-analyze', 'apt-get install -y systemd');
  it.skipIf(!analyze.path)('passes systemd-analyze verify with no warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-unit-'));
    const file = join(dir, 'ehc-agent.service');
    writeFileSync(file, renderUnit(layout));
    const r = spawnSync(analyze.path!, ['verify', file], { encoding: 'utf8' });
    // verify reports unknown keys and bad values as warnings on stderr with status 0, so both count.
    expect(r.stderr.split('\n').filter((l) => l.includes(file))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it.skipIf(!analyze.path)('the verify check itself catches a broken unit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-unit-'));
    const file = join(dir, 'ehc-agent.service');
    writeFileSync(file, renderUnit(layout).replace('Restart=on-failure', 'Restart=sometimes\nDeviceAlow=x'));
    const r = spawnSync(analyze.path!, ['verify', file], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/DeviceAlow|Restart/);
  });
});
