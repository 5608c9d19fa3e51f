/**
 * Composite devices → one scanner. A scanner often exposes several interfaces (keyboard + HID POS
 * + CDC) with one serial number; they share a device key and become one `DiscoveredDevice`,
 * driven through the preferred interface: HID POS, then serial/CDC, then nothing (keyboard mode
 * and unsupported personalities are listed with the reason, never silently dropped).
 */
import { detectKeyboardMode, type KeyboardModeNotice } from '../drivers/keyboard/index.js';
import type { Confidence, UsbMode } from '../profiles.js';
import type { DeviceIdentity, DriverName } from '../types.js';
import type { Candidate } from './candidates.js';

export interface InterfaceSummary {
  readonly transport: 'serial' | 'hid';
  readonly path: string;
  readonly mode: UsbMode;
}

export interface DiscoveredDevice {
  /** Stable scanner id (the device key). */
  readonly id: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly confidence?: Confidence;
  /** The interface the agent drives (or, when unusable, the one that explains why). */
  readonly transport: 'serial' | 'hid';
  readonly identity: DeviceIdentity;
  readonly mode: UsbMode;
  /** The driver the profile names, tried first. */
  readonly driver?: DriverName;
  /** Drivers to probe, in order. */
  readonly probe: readonly DriverName[];
  readonly usable: boolean;
  /** Why the device cannot be driven (keyboard mode, unsupported personality). */
  readonly reason?: string;
  readonly keyboard?: KeyboardModeNotice;
  readonly interfaces: readonly InterfaceSummary[];
}

export type ModePreference = readonly UsbMode[];

export const DEFAULT_MODE_PREFERENCE: ModePreference = [
  'hid-pos',
  'serial',
  'vendor-hid',
  'other',
  'keyboard',
];

function rank(c: Candidate, prefer: ModePreference): number {
  const usable = c.profile.probe.length > 0 ? 0 : 100;
  const i = prefer.indexOf(c.mode);
  return usable + (i < 0 ? prefer.length : i);
}

export function dedupe(
  candidates: readonly Candidate[],
  prefer: ModePreference = DEFAULT_MODE_PREFERENCE,
): DiscoveredDevice[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const g = groups.get(c.key);
    if (g) g.push(c);
    else groups.set(c.key, [c]);
  }
  const out: DiscoveredDevice[] = [];
  for (const [key, group] of groups) {
    const sorted = [...group].sort(
      (a, b) => rank(a, prefer) - rank(b, prefer) || a.identity.path.localeCompare(b.identity.path),
    );
    const best = sorted[0]!;
    const usable = best.profile.probe.length > 0;
    const keyboardIface = group.find((c) => c.mode === 'keyboard');
    const keyboard = !usable && keyboardIface ? detectKeyboardMode(keyboardIface.identity) : undefined;
    const p = best.profile;
    const reason = usable ? undefined : (keyboard?.message ?? p.unsupported);
    out.push({
      id: key,
      ...(p.vendor
        ? { vendor: p.vendor.vendor, confidence: p.model?.confidence ?? p.vendor.confidence }
        : {}),
      ...(p.model ? { model: p.model.model } : best.identity.product ? { model: best.identity.product } : {}),
      transport: best.kind,
      identity: best.identity,
      mode: best.mode,
      ...(p.driver ? { driver: p.driver } : {}),
      probe: p.probe,
      usable,
      ...(reason ? { reason } : {}),
      ...(keyboard ? { keyboard } : {}),
      interfaces: sorted.map((c) => ({ transport: c.kind, path: c.identity.path, mode: c.mode })),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
