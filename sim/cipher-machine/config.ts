import type { Logger } from 'pino';
import { assertTimeZone } from '../../protocol/crypto/time-zone.js';
import { DEFAULT_VALIDITY_TZ, DEFAULT_VALIDITY_WINDOW } from '../../protocol/crypto/validity.js';
import {
  ABSOLUTE_MAX_FRAME_LENGTH,
  DEFAULT_MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
} from '../../protocol/hsm/framing.js';
import { CipherMachineError } from './errors.js';
import type { HsmFaults } from './faults.js';
import type { KeyEntry } from './key-file.js';
import type { KeyStore } from './key-store.js';

/** What the diagnostics command reports; certification checks it against the certified list. */
export interface DeviceIdentity {
  readonly vendor: string;
  readonly model: string;
  readonly serial: string;
  readonly firmware: string;
}

export const DEFAULT_IDENTITY: DeviceIdentity = {
  vendor: 'ehc-terminal',
  model: 'EHC-SOFT-HSM',
  serial: 'SOFT-0000000001',
  firmware: '1.0.0',
};

/** TLS with client certificates required (PEM). */
export interface CipherMachineTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** The CA that signs client certificates. */
  readonly ca: string | Buffer;
}

export interface CipherMachineOptions {
  /** A key store, or entries from `loadKeyFile`. */
  readonly keys: KeyStore | readonly KeyEntry[];
  readonly identity?: Partial<DeviceIdentity>;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port; read it from `address()`). */
  readonly port?: number;
  readonly tls?: CipherMachineTls;
  /** Time zone of validity times (default Asia/Shanghai). */
  readonly timeZone?: string;
  /** Default code lifetime, s (default 60). */
  readonly lifetimeS?: number;
  /** Default clock-skew allowance, s (default 5). */
  readonly skewS?: number;
  /** Largest request body accepted (default 8192). */
  readonly maxFrameLength?: number;
  /** Faults active from the start. */
  readonly faults?: HsmFaults;
  /** Honour the `ZF` fault-control command (default false: answered SDR_NOTSUPPORT). */
  readonly faultControl?: boolean;
  /** pino logger (default: silent). */
  readonly logger?: Logger;
  /** The machine's clock (default Date.now). */
  readonly now?: () => number;
}

export interface ResolvedConfig {
  readonly identity: DeviceIdentity;
  readonly timeZone: string;
  readonly lifetimeS: number;
  readonly skewS: number;
  readonly maxFrameLength: number;
  readonly faultControl: boolean;
  readonly now: () => number;
}

const bad = (why: string): CipherMachineError => new CipherMachineError('CIPHER_MACHINE_BAD_CONFIG', why);

function seconds(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_fffe)
    throw bad(`${name} must be a whole number of seconds`);
  return v;
}

export function resolveConfig(o: CipherMachineOptions): ResolvedConfig {
  const identity = { ...DEFAULT_IDENTITY, ...o.identity };
  for (const [k, v] of Object.entries(identity)) {
    if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v) > 64) {
      throw bad(`identity.${k} must be a non-empty string of at most 64 bytes`);
    }
  }
  const timeZone = o.timeZone ?? DEFAULT_VALIDITY_TZ;
  try {
    assertTimeZone(timeZone);
  } catch (e) {
    throw new CipherMachineError('CIPHER_MACHINE_BAD_CONFIG', `unknown time zone ${timeZone}`, { cause: e });
  }
  const maxFrameLength = o.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  if (
    !Number.isInteger(maxFrameLength) ||
    maxFrameLength < MIN_FRAME_LENGTH ||
    maxFrameLength > ABSOLUTE_MAX_FRAME_LENGTH
  ) {
    throw bad('maxFrameLength must be an integer in 6..65535');
  }
  return {
    identity,
    timeZone,
    lifetimeS: seconds('lifetimeS', o.lifetimeS, DEFAULT_VALIDITY_WINDOW.lifetimeS),
    skewS: seconds('skewS', o.skewS, DEFAULT_VALIDITY_WINDOW.skewS),
    maxFrameLength,
    faultControl: o.faultControl ?? false,
    now: o.now ?? Date.now,
  };
}
