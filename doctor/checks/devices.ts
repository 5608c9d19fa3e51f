/**
 * Scanners on USB: every device under <sys>/bus/usb/devices whose vendor id is a known scanner
 * vendor (devices/profiles.ts), its tty and hidraw nodes under <dev>, and whether this user may open
 * them (read and write). A denied node names its mode, its group and the udev rule the project
 * installs. Scanner ports in the configuration (`/dev/…`) are checked the same way.
 */
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { keyboardHintsFor, modelProfile, vendorProfile } from '../../devices/profiles.js';
import { UDEV_RULES_FILE } from '../../kiosk/layout.js';
import type { Check, CheckResult, DoctorEnv } from '../types.js';

/** The udev rule file `ehc service install` writes (group and mode for known scanner ids). */
export const UDEV_RULE_FILE = UDEV_RULES_FILE;

const NODE = /^(tty(ACM|USB|WCH|XRUSB)\d+|hidraw\d+)$/;
const USB_DEVICE = /^\d+-[\d.]+$/;
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

async function attr(env: DoctorEnv, dir: string, name: string): Promise<string | undefined> {
  try {
    return (await env.fs.readFile(join(dir, name))).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** tty/hidraw node names below one USB device's sysfs directory (its interfaces), not its children. */
async function nodesOf(env: DoctorEnv, dir: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  let entries: Awaited<ReturnType<DoctorEnv['fs']['readdir']>>;
  try {
    entries = await env.fs.readdir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || USB_DEVICE.test(e.name)) continue; // symlinks (driver, port…) and child devices
    if (NODE.test(e.name)) out.push(e.name);
    else out.push(...(await nodesOf(env, join(dir, e.name), depth + 1)));
  }
  return [...new Set(out)].sort();
}

async function groupName(env: DoctorEnv, gid: number): Promise<string> {
  const text = await attr(env, dirname(env.groupFile), basename(env.groupFile));
  const line = text?.split('\n').find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? `gid ${gid}`;
}

/** The rule is missing: install it; present but the node still denied: it was not applied (or does not match). */
async function udevFix(env: DoctorEnv): Promise<string> {
  try {
    await env.fs.stat(env.udevRuleFile);
    return `${env.udevRuleFile} exists but was not applied to this node: replug the scanner or run udevadm control --reload && udevadm trigger (and check the rule names this USB id)`;
  } catch {
    return `the udev rule ${env.udevRuleFile} is missing: install it (ehc service install)`;
  }
}

/** Whether this user may open `path` read-write; when not, why and the fix. */
export async function nodeAccess(env: DoctorEnv, path: string, what: string): Promise<CheckResult> {
  try {
    await env.fs.access(path, constants.R_OK | constants.W_OK);
    return { id: 'devices', status: 'ok', detail: `${what}: ${path} can be opened` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') {
      return {
        id: 'devices',
        status: 'fail',
        detail: `${what}: ${path} does not exist`,
        fix: 'plug the scanner in (ehc devices lists what is attached) or fix the port in the configuration',
      };
    }
    let how = '';
    let group = 'its group';
    try {
      const st = await env.fs.stat(path);
      group = await groupName(env, st.gid);
      how = ` (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, group ${group})`;
    } catch {
      // the mode is a detail; the denial is what matters
    }
    return {
      id: 'devices',
      status: 'fail',
      detail: `${what}: ${path} cannot be opened read-write by this user${how}`,
      fix: `${await udevFix(env)}, or add the service user to ${group} (usermod -aG ${group} <user>, then log in again)`,
    };
  }
}

async function usbScanners(env: DoctorEnv, paths: Set<string>): Promise<CheckResult[]> {
  const root = join(env.sysRoot, 'bus', 'usb', 'devices');
  let names: string[];
  try {
    names = (await env.fs.readdir(root)).map((e) => e.name).filter((n) => USB_DEVICE.test(n));
  } catch (e) {
    return [
      {
        id: 'devices',
        status: 'warn',
        detail: `cannot list USB devices in ${root} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        fix: 'run on the terminal itself (containers need /sys and /dev passed through)',
      },
    ];
  }
  const out: CheckResult[] = [];
  for (const name of names.sort()) {
    const dir = join(root, name);
    const vid = Number.parseInt((await attr(env, dir, 'idVendor')) ?? '', 16);
    const pid = Number.parseInt((await attr(env, dir, 'idProduct')) ?? '', 16);
    const vendor = vendorProfile(Number.isNaN(vid) ? undefined : vid);
    if (!vendor) continue;
    const model = modelProfile(vid, pid);
    const what = `${vendor.vendor} ${model?.model ?? 'scanner'} ${hex4(vid)}:${hex4(pid)} at USB ${name}`;
    const nodes = await nodesOf(env, dir);
    if (nodes.length === 0) {
      const keyboard = model?.mode === 'keyboard';
      out.push({
        id: 'devices',
        status: 'warn',
        detail: `${what}: no tty or hidraw node${keyboard ? ' (keyboard mode)' : ''}`,
        fix: keyboard
          ? keyboardHintsFor(vid).join('; ')
          : 'switch it to USB serial (CDC) or HID POS mode, then replug it',
      });
      continue;
    }
    for (const n of nodes) {
      paths.add(join(env.devRoot, n));
      out.push(await nodeAccess(env, join(env.devRoot, n), what));
    }
  }
  return out;
}

export const devicesCheck: Check = {
  id: 'devices',
  async run({ env, config }) {
    const paths = new Set<string>();
    const found = await usbScanners(env, paths);
    const configured = (config?.scanners ?? []).filter((s) => s.port.startsWith('/'));
    const ports = configured.filter((s) => !paths.has(s.port));
    const out = [
      ...found,
      ...(await Promise.all(ports.map((s) => nodeAccess(env, s.port, `scanner ${s.id}`)))),
    ];
    if (found.length === 0 && configured.length === 0) {
      out.push({
        id: 'devices',
        status: 'warn',
        detail: 'no known scanner on USB',
        fix: 'plug the scanner in; ehc devices --all lists unknown vendors too',
      });
    }
    return out;
  },
};
