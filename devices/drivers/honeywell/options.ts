import { requireMessageCap, requirePositive, requireTerminators } from '../common/options.js';
import { HoneywellError } from './errors.js';
import { isMenuBody } from './menu.js';

/** Menu command bodies (e.g. `SCNLED1!`) for actions Honeywell has no fixed command for. */
export interface HoneywellCommandMap {
  readonly enable?: string;
  readonly disable?: string;
  readonly beepBad?: string;
  readonly ledGood?: string;
  readonly ledBad?: string;
  readonly ledOff?: string;
}

/** Options of the Honeywell driver; [C]/[U] as in devices/README.md. */
export interface HoneywellOptions {
  /** `serial` (RS-232 / USB serial, terminal 130) or `hid` (HID POS, terminal 131). Default serial. */
  readonly transport?: 'serial' | 'hid';
  /** Reply time-out for a menu command, ms. Default 2000 [U]. */
  readonly menuTimeoutMs?: number;
  /** The identity/probe command; `false` skips it (start() then probes nothing). Default `REVINF.` [C]. */
  readonly identityCommand?: string | false;
  /** Menu commands sent at connect after the identity, volatile (`!`) preferred. Default none. */
  readonly connectCommands?: readonly string[];
  readonly commands?: HoneywellCommandMap;
  /** Serial: bytes that end a scan. Default CR and LF [U: the configured suffix]. */
  readonly terminators?: readonly number[];
  /** Serial: silence after which an unterminated scan is dropped or delivered, ms. Default 200. */
  readonly silenceMs?: number;
  /** Serial: what to do with an unterminated scan at silence. Default `drop` (never a cut scan). */
  readonly onSilence?: 'drop' | 'deliver';
  /** Cap on one scan or reply, bytes. Default 8192. */
  readonly maxMessageBytes?: number;
  /** HID: AIM ids that mark menu replies [S: `]X0` output, `]Z6` echo seen on a Voyager 1602g]. */
  readonly replyAims?: readonly string[];
  /** HID: a continued message whose next report does not come within this is dropped, ms. Default 1000. */
  readonly messageTimeoutMs?: number;
}

export type ResolvedHoneywellOptions = Required<Omit<HoneywellOptions, 'commands'>> & {
  readonly commands: HoneywellCommandMap;
};

export function resolveHoneywellOptions(o: HoneywellOptions = {}): ResolvedHoneywellOptions {
  const r: ResolvedHoneywellOptions = {
    transport: o.transport ?? 'serial',
    menuTimeoutMs: o.menuTimeoutMs ?? 2000,
    identityCommand: o.identityCommand ?? 'REVINF.',
    connectCommands: o.connectCommands ?? [],
    commands: o.commands ?? {},
    terminators: o.terminators ?? [0x0d, 0x0a],
    silenceMs: o.silenceMs ?? 200,
    onSilence: o.onSilence ?? 'drop',
    maxMessageBytes: o.maxMessageBytes ?? 8192,
    replyAims: o.replyAims ?? [']X0', ']Z6'],
    messageTimeoutMs: o.messageTimeoutMs ?? 1000,
  };
  const bad = (what: string) => new HoneywellError('DEVICE_BAD_OPTIONS', `honeywell option ${what}`);
  if (r.transport !== 'serial' && r.transport !== 'hid') throw bad('transport must be serial or hid');
  requirePositive(bad, [
    ['menuTimeoutMs', r.menuTimeoutMs],
    ['silenceMs', r.silenceMs],
    ['messageTimeoutMs', r.messageTimeoutMs],
  ]);
  requireMessageCap(bad, r.maxMessageBytes);
  requireTerminators(bad, r.terminators);
  const bodies = [
    ...(r.identityCommand === false ? [] : [r.identityCommand]),
    ...r.connectCommands,
    ...Object.values(r.commands),
  ];
  for (const b of bodies)
    if (typeof b !== 'string' || !isMenuBody(b))
      throw bad(`menu command ${JSON.stringify(b)} is not TagSubTagData. or !`);
  return r;
}
