/**
 * `ehc service install`: the files a kiosk needs to run the agent as a service, written under an
 * install root (normally `/`; a staging directory for image builds and tests), and the commands
 * that activate them. Writing is all this does — it never starts or enables anything itself, so
 * the operator sees each step.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INSTALL_PATHS, type KioskLayout } from './layout.js';
import { renderSysusers, renderUnit } from './systemd-unit.js';
import { renderUdevRules } from './udev-rules.js';

export interface KioskFile {
  /** Absolute path on the target system. */
  readonly path: string;
  readonly mode: number;
  readonly content: string;
}

export function kioskFiles(layout: KioskLayout): KioskFile[] {
  return [
    { path: INSTALL_PATHS.sysusers(layout), mode: 0o644, content: renderSysusers(layout) },
    { path: INSTALL_PATHS.udev(), mode: 0o644, content: renderUdevRules(layout) },
    { path: INSTALL_PATHS.unit(layout), mode: 0o644, content: renderUnit(layout) },
  ];
}

/** The commands that make the written files take effect, in order. */
export function activationCommands(layout: KioskLayout): string[] {
  return [
    `systemd-sysusers ${INSTALL_PATHS.sysusers(layout)}`,
    `install -d -o ${layout.user} -g ${layout.group} -m 0750 ${layout.dataDir}`,
    `install -d -m 0750 -g ${layout.group} ${dirname(layout.configFile)}`,
    'udevadm control --reload && udevadm trigger --subsystem-match=usb --subsystem-match=hidraw --subsystem-match=tty',
    'systemctl daemon-reload',
    `ehc doctor --config ${layout.configFile}`,
    `systemctl enable --now ${layout.unit}.service`,
  ];
}

/** Writes every file under `root`; returns the paths written. */
export function writeKioskFiles(layout: KioskLayout, root: string): string[] {
  const written: string[] = [];
  for (const f of kioskFiles(layout)) {
    const target = join(root, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content, { mode: f.mode });
    written.push(target);
  }
  return written;
}
