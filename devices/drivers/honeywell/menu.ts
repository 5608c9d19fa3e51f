import { err, ok, type Result } from '../../../protocol/result.js';

/**
 * Honeywell serial menu commands (research notes §2.1, [C]): `SYN M CR` + `Tag SubTag Data`
 * (`,` more SubTags of the same Tag, `;` a new Tag) + storage `!` (volatile) or `.` (non-volatile).
 * The device echoes the command with a status byte before each `,` `;` `.` `!`: ACK processed,
 * ENQ invalid Tag/SubTag, NAK value out of range. Text it sends before the echo (REVINF's
 * revision lines) is the command's output.
 */
export const SYN = 0x16;
export const MENU_PREFIX = Uint8Array.of(SYN, 0x4d, 0x0d); // SYN M CR
export const TRIGGER_ON = Uint8Array.of(SYN, 0x54, 0x0d); // SYN T CR
export const TRIGGER_OFF = Uint8Array.of(SYN, 0x55, 0x0d); // SYN U CR
export const BEEP_BEL = Uint8Array.of(SYN, 0x07, 0x0d); // SYN BEL CR [S]
export const ACK = 0x06;
export const ENQ = 0x05;
export const NAK = 0x15;

export type MenuStatus = 'ack' | 'enq' | 'nak';
export interface MenuSegment {
  readonly text: string;
  readonly status: MenuStatus;
}
export interface MenuReply {
  /** Output before the echo (REVINF's lines), raw. */
  readonly output: Uint8Array;
  readonly segments: readonly MenuSegment[];
}
export interface MenuReplyError {
  readonly type: 'no-echo' | 'no-status';
  readonly message: string;
}

const MENU_BODY = /^[\x20-\x7e]+[.!]$/;

/** Checks a command body such as `REVINF.` or `232BAD5!` (printable ASCII, ends in `.` or `!`). */
export function isMenuBody(body: string): boolean {
  return body.length >= 2 && body.length <= 240 && MENU_BODY.test(body);
}

/** `SYN M CR` + body. Throws RangeError for a body that is not a menu command. */
export function encodeMenuCommand(body: string): Uint8Array {
  if (!isMenuBody(body)) throw new RangeError(`not a Honeywell menu command: ${JSON.stringify(body)}`);
  return Uint8Array.from([...MENU_PREFIX, ...Buffer.from(body, 'latin1')]);
}

/** The storage character that ends the reply to `body` (its last character). */
export function storageOf(body: string): number {
  return body.charCodeAt(body.length - 1);
}

/** True when `bytes` ends a reply to a command with this storage character (status + storage). */
export function isReplyEnd(bytes: Uint8Array, length: number, storage: number): boolean {
  const s = bytes[length - 2];
  return length >= 2 && bytes[length - 1] === storage && (s === ACK || s === ENQ || s === NAK);
}

/**
 * Splits a complete reply into output and echoed segments. The echo starts at the last occurrence
 * of the command's Tag + SubTag (up to six characters before any query mark, case-insensitive); a leading `SYN M CR`
 * and CR/LF before the output are ignored.
 */
export function parseMenuReply(reply: Uint8Array, body: string): Result<MenuReply, MenuReplyError> {
  let start = 0;
  if (reply[0] === SYN && reply[1] === 0x4d && reply[2] === 0x0d) start = 3;
  while (reply[start] === 0x0d || reply[start] === 0x0a) start++;
  const text = Buffer.from(reply.subarray(start)).toString('latin1');
  const head = (/^[^?^*,;.!]*/.exec(body)?.[0] ?? '').slice(0, 6).toUpperCase();
  const at = head.length > 0 ? text.toUpperCase().lastIndexOf(head) : 0;
  if (at < 0) return err({ type: 'no-echo', message: `reply does not echo ${head}` });
  const segments: MenuSegment[] = [];
  let seg = '';
  const echo = text.slice(at);
  for (let i = 0; i < echo.length; i++) {
    const c = echo.charCodeAt(i);
    if (c === ACK || c === ENQ || c === NAK) {
      segments.push({ text: seg, status: c === ACK ? 'ack' : c === ENQ ? 'enq' : 'nak' });
      seg = '';
      if (',;.!'.includes(echo[i + 1] ?? '')) i++;
    } else {
      seg += echo[i];
    }
  }
  if (segments.length === 0) return err({ type: 'no-status', message: 'reply carries no status byte' });
  return ok({ output: reply.subarray(start, start + at), segments });
}

/**
 * REVINF output → identity. Lines are `Key: Value` (Product Name, Serial Number, Software Part
 * Number, Software Revision, …); unknown lines are ignored.
 */
export function parseRevinf(output: Uint8Array): { model: string; serial: string; firmware: string } {
  const fields = new Map<string, string>();
  for (const line of Buffer.from(output)
    .toString('latin1')
    .split(/\r?\n|\r/)) {
    const m = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line);
    if (m) fields.set(m[1]!.toLowerCase(), m[2]!.replace(/^:\s*/, ''));
  }
  const get = (k: string) => fields.get(k) ?? '';
  return {
    model: get('product name'),
    serial: get('serial number'),
    firmware: get('software part number') || get('software revision'),
  };
}
