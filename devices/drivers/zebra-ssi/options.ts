import { isByte, requirePositive } from '../common/options.js';
import { SSI_PARAM_PREFIX_256 } from './constants.js';
import { SsiError } from './errors.js';

/**
 * Options of the Zebra SSI driver. Defaults marked [C] come from the Zebra guides; [U] ones are
 * guesses kept configurable (see devices/README.md).
 */
export interface ZebraSsiOptions {
  /** Host serial response time-out before a resend, ms. Default 2000 [C]. */
  readonly responseTimeoutMs?: number;
  /** Resends after the first try, each with the retransmit bit. Default 2 [C]. */
  readonly maxResends?: number;
  /** Send WAKEUP (a bare 0x00) before the first command. Default true [C: needed without RTS/CTS]. */
  readonly wakeup?: boolean;
  /** Pause after WAKEUP, ms. Default 50 [U: 20–100 ms seen in code]. */
  readonly wakeupDelayMs?: number;
  /** Silence after which a partial packet is dropped, ms. Default 200 (the character time-out) [C]. */
  readonly interByteTimeoutMs?: number;
  /**
   * More parameters for the connect-time PARAM_SEND, after decode format 0xEE = 1: `[param, value]`
   * with param numbers up to 1023 (256+ are sent with an F0/F1/F2 prefix [F0 C, F1/F2 U]).
   */
  readonly connectParams?: ReadonlyArray<readonly [number, number]>;
  /** Write the connect parameters permanently (status bit 3). Default false: flash wears. */
  readonly permanentParams?: boolean;
  /** BEEP pattern codes. Default good 0x00, bad 0x05 [U: pattern table not verified]. */
  readonly beepCodes?: { readonly good: number; readonly bad: number };
  /** LED_ON / LED_OFF bit masks. Default good 0x01 [C: seen], bad 0x02 [U]. */
  readonly ledMasks?: { readonly good: number; readonly bad: number };
  /** Cap on one reassembled decode message, bytes. Default 8192. */
  readonly maxMessageBytes?: number;
  /** Answer a bad-checksum packet that looks like a decoder packet with NAK RESEND. Default true. */
  readonly nakOnBadChecksum?: boolean;
  /** Model name reported in DeviceInfo (SSI's revision reply carries no model name). */
  readonly model?: string;
}

export type ResolvedSsiOptions = Required<Omit<ZebraSsiOptions, 'model'>> & { readonly model: string };

export function resolveSsiOptions(o: ZebraSsiOptions = {}): ResolvedSsiOptions {
  const r: ResolvedSsiOptions = {
    responseTimeoutMs: o.responseTimeoutMs ?? 2000,
    maxResends: o.maxResends ?? 2,
    wakeup: o.wakeup ?? true,
    wakeupDelayMs: o.wakeupDelayMs ?? 50,
    interByteTimeoutMs: o.interByteTimeoutMs ?? 200,
    connectParams: o.connectParams ?? [],
    permanentParams: o.permanentParams ?? false,
    beepCodes: o.beepCodes ?? { good: 0x00, bad: 0x05 },
    ledMasks: o.ledMasks ?? { good: 0x01, bad: 0x02 },
    maxMessageBytes: o.maxMessageBytes ?? 8192,
    nakOnBadChecksum: o.nakOnBadChecksum ?? true,
    model: o.model ?? '',
  };
  const bad = (what: string) => new SsiError('DEVICE_BAD_OPTIONS', `zebra-ssi option ${what}`);
  requirePositive(bad, [['responseTimeoutMs', r.responseTimeoutMs]]);
  if (!Number.isInteger(r.maxResends) || r.maxResends < 0 || r.maxResends > 10)
    throw bad('maxResends must be 0–10');
  if (!Number.isFinite(r.wakeupDelayMs) || r.wakeupDelayMs < 0) throw bad('wakeupDelayMs must be ≥ 0');
  requirePositive(bad, [['interByteTimeoutMs', r.interByteTimeoutMs]]);
  if (!Number.isInteger(r.maxMessageBytes) || r.maxMessageBytes < 1 || r.maxMessageBytes > 1 << 20)
    throw bad('maxMessageBytes must be 1–1048576');
  if (![r.beepCodes.good, r.beepCodes.bad, r.ledMasks.good, r.ledMasks.bad].every(isByte))
    throw bad('beepCodes / ledMasks must be bytes');
  for (const [p, v] of r.connectParams) {
    if (!Number.isInteger(p) || p < 0 || p > 1023 || !isByte(v))
      throw bad(`connectParams [${p}, ${v}] out of range`);
  }
  return r;
}

/** `[param, value]` pairs → PARAM_SEND data bytes (without the leading beep code). */
export function encodeParams(params: ReadonlyArray<readonly [number, number]>): number[] {
  const out: number[] = [];
  for (const [p, v] of params) {
    if (p > 0xff) out.push(SSI_PARAM_PREFIX_256 + Math.floor(p / 256) - 1, p % 256, v);
    else out.push(p, v);
  }
  return out;
}
