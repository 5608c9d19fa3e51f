import { isErrorCode } from '../../protocol/hsm/sdr.js';
import { err, ok, type Result } from '../../protocol/result.js';

/**
 * Fault injection, switchable at run time (`server.setFaults`, or the `ZF` command when fault
 * control is enabled). Faults apply to every command except `ZF` itself, or to `commands` only.
 */
export interface HsmFaults {
  /** Added delay before each reply, ms. */
  readonly latencyMs?: number;
  /** Plus a random 0..jitterMs each (so pipelined replies come back out of order). */
  readonly jitterMs?: number;
  /** Read requests and never reply. */
  readonly hang?: boolean;
  /** Close the connection when a request arrives. */
  readonly drop?: boolean;
  /** Invert every reply byte after the header (length and request id intact). */
  readonly corrupt?: boolean;
  /** Reply with this 2-digit error code instead of running the command. */
  readonly errorCode?: string;
  /** Only these commands (default: all except ZF). */
  readonly commands?: readonly string[];
}

const MAX_DELAY_MS = 600_000;
const KEYS = new Set(['latencyMs', 'jitterMs', 'hang', 'drop', 'corrupt', 'errorCode', 'commands']);

/** Validates fault settings from JSON (the ZF command, the CLI). `{}` clears every fault. */
export function parseFaults(x: unknown): Result<HsmFaults, string> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return err('faults must be an object');
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) return err(`unknown fault "${k}"`);
  const out: { -readonly [K in keyof HsmFaults]: HsmFaults[K] } = {};
  for (const k of ['latencyMs', 'jitterMs'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_DELAY_MS) {
      return err(`${k} must be an integer in 0..${MAX_DELAY_MS}`);
    }
    out[k] = v;
  }
  for (const k of ['hang', 'drop', 'corrupt'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') return err(`${k} must be a boolean`);
    out[k] = v;
  }
  if (o.errorCode !== undefined) {
    if (typeof o.errorCode !== 'string' || !isErrorCode(o.errorCode) || o.errorCode === '00') {
      return err('errorCode must be two digits other than 00');
    }
    out.errorCode = o.errorCode;
  }
  if (o.commands !== undefined) {
    if (!Array.isArray(o.commands) || !o.commands.every((c) => typeof c === 'string' && c.length === 2)) {
      return err('commands must be an array of 2-character command codes');
    }
    out.commands = [...(o.commands as string[])];
  }
  return ok(out);
}

/** True when some fault is switched on. */
export function faultsActive(f: HsmFaults): boolean {
  return (
    (f.latencyMs ?? 0) > 0 ||
    (f.jitterMs ?? 0) > 0 ||
    f.hang === true ||
    f.drop === true ||
    f.corrupt === true ||
    f.errorCode !== undefined
  );
}

export function faultApplies(f: HsmFaults, cmd: string): boolean {
  if (cmd === 'ZF') return false;
  return f.commands === undefined || f.commands.includes(cmd);
}

/** Inverts every byte after the length prefix and header: the reply no longer parses. */
export function corruptReply(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  for (let i = 6; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}
