import {
  requireMessageCap,
  requireOnSilence,
  requirePositive,
  requireTerminators,
} from '../common/options.js';
import { isNlsCommand } from './commands.js';
import { NewlandError } from './errors.js';

/** NLS commands for actions Newland has no fixed host command for (e.g. `NLS0302000;`). */
export interface NewlandCommandMap {
  readonly enable?: string;
  readonly disable?: string;
  readonly beepGood?: string;
  readonly beepBad?: string;
  readonly ledGood?: string;
  readonly ledBad?: string;
  readonly ledOff?: string;
}

/** Options of the Newland serial driver; [C]/[U] as in devices/README.md. */
export interface NewlandOptions {
  /** Time allowed for the `?` → `!` probe, ms. Default 500 [U]. */
  readonly probeTimeoutMs?: number;
  /** Reply time-out of other commands, ms. Default 1000 [U]. */
  readonly commandTimeoutMs?: number;
  /** NLS commands sent at connect (inside NLS0006010; … NLS0006000;). Default none. */
  readonly connectCommands?: readonly string[];
  /**
   * Framed queries for the identity (answer = the echo's data after the tag): model, firmware,
   * serial. Default QRYPDN / QRYFWV / QRYESN [U: tag names from a Newland firmware table and an
   * FM430 driver]; `false` skips them. A query the device does not know leaves the field empty.
   */
  readonly identityQueries?:
    | { readonly model?: string; readonly firmware?: string; readonly serial?: string }
    | false;
  readonly commands?: NewlandCommandMap;
  /** Bytes that end a scan. Default CR and LF [C: CR LF seen]. */
  readonly terminators?: readonly number[];
  /** Silence after which an unterminated scan is dropped or delivered, ms. Default 200. */
  readonly silenceMs?: number;
  readonly onSilence?: 'drop' | 'deliver';
  /** Cap on one scan or reply, bytes. Default 8192. */
  readonly maxMessageBytes?: number;
}

export type ResolvedNewlandOptions = Required<Omit<NewlandOptions, 'commands' | 'identityQueries'>> & {
  readonly commands: NewlandCommandMap;
  readonly identityQueries:
    | { readonly model?: string; readonly firmware?: string; readonly serial?: string }
    | false;
};

export function resolveNewlandOptions(o: NewlandOptions = {}): ResolvedNewlandOptions {
  const r: ResolvedNewlandOptions = {
    probeTimeoutMs: o.probeTimeoutMs ?? 500,
    commandTimeoutMs: o.commandTimeoutMs ?? 1000,
    connectCommands: o.connectCommands ?? [],
    identityQueries: o.identityQueries ?? { model: 'QRYPDN', firmware: 'QRYFWV', serial: 'QRYESN' },
    commands: o.commands ?? {},
    terminators: o.terminators ?? [0x0d, 0x0a],
    silenceMs: o.silenceMs ?? 200,
    onSilence: o.onSilence ?? 'drop',
    maxMessageBytes: o.maxMessageBytes ?? 8192,
  };
  const bad = (what: string) => new NewlandError('DEVICE_BAD_OPTIONS', `newland option ${what}`);
  requirePositive(bad, [
    ['probeTimeoutMs', r.probeTimeoutMs],
    ['commandTimeoutMs', r.commandTimeoutMs],
    ['silenceMs', r.silenceMs],
  ]);
  requireMessageCap(bad, r.maxMessageBytes);
  requireTerminators(bad, r.terminators);
  for (const c of [...r.connectCommands, ...Object.values(r.commands)]) {
    if (typeof c !== 'string' || !isNlsCommand(c))
      throw bad(`${JSON.stringify(c)} is not NLS<7 digits>[=value];`);
  }
  if (r.identityQueries !== false) {
    for (const q of Object.values(r.identityQueries)) {
      if (typeof q !== 'string' || !/^[A-Za-z0-9]{6}$/.test(q))
        throw bad(`identity query ${JSON.stringify(q)} must be TagSubTag`);
    }
  }
  requireOnSilence(bad, r.onSilence);
  return r;
}
