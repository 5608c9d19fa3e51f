import { isByte, isU16, requireMessageCap, requireOnSilence, requireTerminators } from '../common/options.js';
import { GrowError } from './errors.js';

/** One register write: `[address, bytes…]`. */
export type RegisterWrite = readonly [address: number, ...bytes: number[]];

export interface GrowCommandMap {
  readonly enable?: RegisterWrite;
  readonly disable?: RegisterWrite;
  readonly beepGood?: RegisterWrite;
  readonly beepBad?: RegisterWrite;
  readonly ledGood?: RegisterWrite;
  readonly ledBad?: RegisterWrite;
  readonly ledOff?: RegisterWrite;
}

/** Options of the Grow driver; [C]/[U] as in devices/README.md. */
export interface GrowOptions {
  /** Reply time-out, ms. Default 500 [U]. */
  readonly responseTimeoutMs?: number;
  /** Resends after a time-out or a bad-CRC reply. Default 1 [U]. */
  readonly maxResends?: number;
  /** Register read as the probe (1 byte). Default 0x0000 (mode bits) [C]. */
  readonly probeRegister?: number;
  /** Register writes at connect (not saved to flash). Default none. */
  readonly connectWrites?: readonly RegisterWrite[];
  /** A register holding the software version as value/100 (`0x64` = V1.00) [U: seen as 0x00E2 on a clone]. */
  readonly firmwareRegister?: number;
  readonly commands?: GrowCommandMap;
  /** Send `AB CD` instead of the CRC. Default false. */
  readonly noCrc?: boolean;
  /** Bytes that end a scan. Default CR and LF [C: CR is the module default]. */
  readonly terminators?: readonly number[];
  readonly silenceMs?: number;
  readonly onSilence?: 'drop' | 'deliver';
  readonly maxMessageBytes?: number;
  readonly model?: string;
}

export type ResolvedGrowOptions = Required<Omit<GrowOptions, 'firmwareRegister' | 'commands'>> & {
  readonly firmwareRegister: number | undefined;
  readonly commands: GrowCommandMap;
};

export function resolveGrowOptions(o: GrowOptions = {}): ResolvedGrowOptions {
  const r: ResolvedGrowOptions = {
    responseTimeoutMs: o.responseTimeoutMs ?? 500,
    maxResends: o.maxResends ?? 1,
    probeRegister: o.probeRegister ?? 0x0000,
    connectWrites: o.connectWrites ?? [],
    firmwareRegister: o.firmwareRegister,
    commands: o.commands ?? {},
    noCrc: o.noCrc ?? false,
    terminators: o.terminators ?? [0x0d, 0x0a],
    silenceMs: o.silenceMs ?? 200,
    onSilence: o.onSilence ?? 'drop',
    maxMessageBytes: o.maxMessageBytes ?? 8192,
    model: o.model ?? '',
  };
  const bad = (what: string) => new GrowError('DEVICE_BAD_OPTIONS', `grow option ${what}`);
  if (!(r.responseTimeoutMs > 0) || !(r.silenceMs > 0)) throw bad('time-outs must be > 0');
  if (!Number.isInteger(r.maxResends) || r.maxResends < 0 || r.maxResends > 5)
    throw bad('maxResends must be 0–5');
  if (!isU16(r.probeRegister) || (r.firmwareRegister !== undefined && !isU16(r.firmwareRegister)))
    throw bad('registers are 16-bit');
  for (const w of [...r.connectWrites, ...Object.values(r.commands)]) {
    if (!Array.isArray(w) || w.length < 2 || !isU16(w[0]) || !w.slice(1).every(isByte))
      throw bad(`register write ${JSON.stringify(w)}`);
  }
  requireMessageCap(bad, r.maxMessageBytes);
  requireTerminators(bad, r.terminators);
  requireOnSilence(bad, r.onSilence);
  return r;
}
