/**
 * One discovery pass: run every lister, turn entries into candidates, keep the scanner ones and
 * de-duplicate composite devices. A lister that fails is reported in `errors` (with its cause);
 * the others still count.
 */
import { type EhcError, toEhcError } from '../../protocol/errors.js';
import type { DeviceIdentity } from '../types.js';
import { type Candidate, fromHid, fromSerial, isScannerCandidate } from './candidates.js';
import { type DiscoveredDevice, dedupe, type ModePreference } from './dedupe.js';
import type { DeviceListers } from './listers.js';

export type ListSource = 'serial' | 'hid';

export interface DiscoveryError {
  readonly source: ListSource;
  readonly error: EhcError;
}

export interface DiscoveryResult {
  readonly devices: readonly DiscoveredDevice[];
  readonly errors: readonly DiscoveryError[];
  /** Sources whose listing succeeded (a device missing from a failed source is not "gone"). */
  readonly listed: readonly ListSource[];
}

export interface DiscoveryOptions {
  /** List USB serial ports of unknown vendors too (e.g. RS-232 scanners behind an FTDI cable). */
  readonly includeUnknownSerial?: boolean;
  readonly prefer?: ModePreference;
}

export async function discover(
  listers: DeviceListers,
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const errors: DiscoveryError[] = [];
  const listed: ListSource[] = [];
  const candidates: Candidate[] = [];
  const [serial, hid] = await Promise.allSettled([
    listers.serial ? listers.serial() : Promise.resolve(undefined),
    listers.hid ? listers.hid() : Promise.resolve(undefined),
  ]);
  if (serial.status === 'fulfilled') {
    if (serial.value) {
      listed.push('serial');
      candidates.push(...serial.value.map(fromSerial));
    }
  } else {
    errors.push({
      source: 'serial',
      error: toEhcError(serial.reason, 'DEVICE_LIST_FAILED', 'listing serial ports failed'),
    });
  }
  if (hid.status === 'fulfilled') {
    if (hid.value) {
      listed.push('hid');
      for (const d of hid.value) {
        const c = fromHid(d);
        if (c) candidates.push(c);
      }
    }
  } else {
    errors.push({
      source: 'hid',
      error: toEhcError(hid.reason, 'DEVICE_LIST_FAILED', 'listing HID devices failed'),
    });
  }
  const include = options.includeUnknownSerial ?? false;
  const devices = dedupe(
    candidates.filter((c) => isScannerCandidate(c, include)),
    options.prefer,
  );
  return { devices, errors, listed };
}

/**
 * What the listings know about the device at `path` (VID/PID, serial, HID usage), so a port given
 * by path still gets its vendor profile. Listing failures count as "unknown".
 */
export async function lookupIdentity(
  listers: DeviceListers,
  path: string,
): Promise<Omit<DeviceIdentity, 'path'> | undefined> {
  const [serial, hid] = await Promise.allSettled([listers.serial?.(), listers.hid?.()]);
  const candidates: Candidate[] = [];
  if (serial.status === 'fulfilled' && serial.value) candidates.push(...serial.value.map(fromSerial));
  if (hid.status === 'fulfilled' && hid.value) {
    for (const d of hid.value) {
      const c = fromHid(d);
      if (c) candidates.push(c);
    }
  }
  const found = candidates.find((c) => c.identity.path === path);
  if (!found) return undefined;
  const { path: _path, ...rest } = found.identity;
  return rest;
}
