import { err, ok, type Result } from '../../../protocol/result.js';

/**
 * Newland host commands (research notes §3, [C]): the `?` → `!` probe; legacy `NLS` + 7 digits
 * (+ `=value`) + `;` answered by ACK/NAK; trigger ESC 1 / ESC 0; and the framed programming form
 * `~ SOH 0000` + storage (`@` permanent, `#` temporary) + `Tag SubTag Data` + `; ETX`, answered by
 * `STX SOH 0000` + storage + the echo with a status byte before each `,`/`;` + `; ETX`.
 */
export const PROBE = 0x3f; // ?
export const PROBE_REPLY = 0x21; // !
export const ACK = 0x06;
export const NAK = 0x15;
export const ENQ = 0x05;
export const TRIGGER_ON = Uint8Array.of(0x1b, 0x31); // ESC 1
export const TRIGGER_OFF = Uint8Array.of(0x1b, 0x30); // ESC 0
export const NLS_PROGRAMMING_ON = 'NLS0006010;';
export const NLS_PROGRAMMING_OFF = 'NLS0006000;';
export const FRAMED_PREFIX = Uint8Array.of(0x7e, 0x01, 0x30, 0x30, 0x30, 0x30); // ~ SOH 0000
export const REPLY_PREFIX = Uint8Array.of(0x02, 0x01, 0x30, 0x30, 0x30, 0x30); // STX SOH 0000
export const FRAMED_SUFFIX = Uint8Array.of(0x3b, 0x03); // ; ETX

const NLS_RE = /^NLS\d{7}(=[\x20-\x3a\x3c-\x7e]{1,64})?;$/;

export function isNlsCommand(cmd: string): boolean {
  return NLS_RE.test(cmd);
}

/** ASCII bytes of an NLS command. Throws RangeError if it is not `NLS<7 digits>[=value];`. */
export function encodeNls(cmd: string): Uint8Array {
  if (!isNlsCommand(cmd)) throw new RangeError(`not a Newland NLS command: ${JSON.stringify(cmd)}`);
  return Uint8Array.from(Buffer.from(cmd, 'latin1'));
}

const FRAMED_BODY = /^[A-Za-z0-9]{3}[\x20-\x7e]*$/;

/** `~ SOH 0000` + storage + body + `; ETX`. Body: `QRYFWV`, `KBWCTY0`, `C11*` … (printable ASCII). */
export function encodeFramed(body: string, storage: '@' | '#' = '#'): Uint8Array {
  if (!FRAMED_BODY.test(body) || body.length > 200 || body.endsWith(';')) {
    throw new RangeError(`not a Newland programming command body: ${JSON.stringify(body)}`);
  }
  return Uint8Array.from([
    ...FRAMED_PREFIX,
    storage.charCodeAt(0),
    ...Buffer.from(body, 'latin1'),
    ...FRAMED_SUFFIX,
  ]);
}

export type FramedStatus = 'ack' | 'nak' | 'enq';
export interface FramedReply {
  readonly storage: string;
  /** Echoed commands, each with its data (query answers) and status. */
  readonly segments: readonly { readonly text: string; readonly status: FramedStatus }[];
}
export interface FramedReplyError {
  readonly type: 'bad-prefix' | 'bad-suffix' | 'no-status';
  readonly message: string;
}

/** Parses a complete framed reply (`STX SOH 0000 … ; ETX`). */
export function parseFramedReply(frame: Uint8Array): Result<FramedReply, FramedReplyError> {
  for (let i = 0; i < REPLY_PREFIX.length; i++) {
    if (frame[i] !== REPLY_PREFIX[i])
      return err({ type: 'bad-prefix', message: 'reply does not start STX SOH 0000' });
  }
  const n = frame.length;
  if (n < 10 || frame[n - 2] !== 0x3b || frame[n - 1] !== 0x03) {
    return err({ type: 'bad-suffix', message: 'reply does not end ; ETX' });
  }
  const storage = String.fromCharCode(frame[6]!);
  const body = Buffer.from(frame.subarray(7, n - 1)).toString('latin1'); // keeps the final ';'
  const segments: { text: string; status: FramedStatus }[] = [];
  let seg = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === ACK || c === NAK || c === ENQ) {
      segments.push({ text: seg, status: c === ACK ? 'ack' : c === NAK ? 'nak' : 'enq' });
      seg = '';
      if (body[i + 1] === ',' || body[i + 1] === ';') i++;
    } else {
      seg += body[i];
    }
  }
  if (segments.length === 0) return err({ type: 'no-status', message: 'reply carries no status byte' });
  return ok({ storage, segments });
}
