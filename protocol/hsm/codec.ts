import { err, ok, type Result } from '../result.js';
import {
  COMMANDS,
  type HsmCommand,
  type HsmRequest,
  isHsmCommand,
  type ReplyFields,
  type ReplyInputs,
  type RequestInputs,
  replyCommand,
} from './commands.js';
import { type HsmDecodeError, HsmProtocolError } from './errors.js';
import { type FieldSpec, fieldSizes, readFields, writeFields } from './fields.js';
import {
  ABSOLUTE_MAX_FRAME_LENGTH,
  COMMAND_BYTES,
  ERROR_CODE_BYTES,
  HEADER_BYTES,
  LENGTH_BYTES,
} from './framing.js';
import { ERR, isErrorCode } from './sdr.js';

/** A decoded request with its id (the 4-byte header read as u32 BE). */
export type DecodedRequest = HsmRequest & { readonly id: number };

export type DecodedReply<C extends HsmCommand> =
  | { readonly id: number; readonly success: true; readonly code: '00'; readonly fields: ReplyFields<C> }
  | { readonly id: number; readonly success: false; readonly code: string };

const CMD_AT = HEADER_BYTES;
const REQ_FIELDS_AT = HEADER_BYTES + COMMAND_BYTES;
const CODE_AT = HEADER_BYTES + COMMAND_BYTES;
const REPLY_FIELDS_AT = CODE_AT + ERROR_CODE_BYTES;

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
    throw new HsmProtocolError('HSM_BAD_FIELD', 'request id must be a u32');
  }
}

function frame(
  id: number,
  cmd: string,
  code: string | undefined,
  schema: readonly FieldSpec[],
  values: Readonly<Record<string, unknown>>,
): Buffer {
  checkId(id);
  const sizes = fieldSizes(schema, values);
  let body = HEADER_BYTES + COMMAND_BYTES + (code === undefined ? 0 : ERROR_CODE_BYTES);
  for (const n of sizes) body += 2 + n;
  if (body > ABSOLUTE_MAX_FRAME_LENGTH) {
    throw new HsmProtocolError('HSM_BAD_FIELD', `frame body of ${body} bytes exceeds 65535`);
  }
  const out = Buffer.allocUnsafe(LENGTH_BYTES + body);
  out.writeUInt16BE(body, 0);
  out.writeUInt32BE(id, LENGTH_BYTES);
  out.write(cmd, LENGTH_BYTES + CMD_AT, COMMAND_BYTES, 'latin1');
  let off = LENGTH_BYTES + REQ_FIELDS_AT;
  if (code !== undefined) {
    out.write(code, off, ERROR_CODE_BYTES, 'latin1');
    off += ERROR_CODE_BYTES;
  }
  writeFields(out, off, schema, values, sizes);
  return out;
}

/** The whole request frame (length prefix included). Throws HSM_BAD_FIELD on out-of-schema values. */
export function encodeRequest<C extends HsmCommand>(id: number, cmd: C, fields: RequestInputs<C>): Buffer {
  return frame(id, cmd, undefined, COMMANDS[cmd].request, fields as Readonly<Record<string, unknown>>);
}

/** A successful (`00`) reply frame to command `cmd`. */
export function encodeReply<C extends HsmCommand>(id: number, cmd: C, fields: ReplyInputs<C>): Buffer {
  return frame(
    id,
    replyCommand(cmd),
    ERR.OK,
    COMMANDS[cmd].reply,
    fields as Readonly<Record<string, unknown>>,
  );
}

/**
 * An error reply (no fields) to a request whose raw command was `rawCmd` (which may be unknown).
 * `code` is two decimal digits other than `00`.
 */
export function encodeErrorReply(id: number, rawCmd: string, code: string): Buffer {
  if (!isErrorCode(code) || code === ERR.OK) {
    throw new HsmProtocolError('HSM_BAD_FIELD', 'error code must be two digits other than 00');
  }
  const cmd = rawCmd.length === COMMAND_BYTES ? rawCmd : '??';
  return frame(id, replyCommand(cmd), code, [], {});
}

/** The request id of a frame body, or undefined if too short to carry one. */
export function peekId(body: Buffer): number | undefined {
  return body.length >= HEADER_BYTES ? body.readUInt32BE(0) : undefined;
}

/** Decodes a request frame body (from `FrameDecoder`). */
export function decodeRequest(body: Buffer): Result<DecodedRequest, HsmDecodeError> {
  if (body.length < REQ_FIELDS_AT) {
    const id = peekId(body);
    return err({
      type: 'too-short',
      message: 'request shorter than header + command',
      ...(id === undefined ? {} : { id }),
    });
  }
  const id = body.readUInt32BE(0);
  const command = body.toString('latin1', CMD_AT, CMD_AT + COMMAND_BYTES);
  if (!isHsmCommand(command)) {
    return err({ type: 'unknown-command', message: 'unknown command', id, command });
  }
  const r = readFields(body, REQ_FIELDS_AT, COMMANDS[command].request);
  if (!r.ok) return err({ ...r.error, id, command });
  return ok({ id, cmd: command, fields: r.value } as unknown as DecodedRequest);
}

/**
 * Decodes a reply body to a request of command `cmd`: the reply command must be `cmd` + 1, the
 * error code two digits; a `00` reply must carry exactly the schema's fields, an error reply none.
 */
export function decodeReply<C extends HsmCommand>(
  body: Buffer,
  cmd: C,
): Result<DecodedReply<C>, HsmDecodeError> {
  const id = peekId(body);
  if (id === undefined || body.length < REPLY_FIELDS_AT) {
    return err({
      type: 'too-short',
      message: 'reply shorter than header + command + code',
      ...(id === undefined ? {} : { id }),
    });
  }
  const command = body.toString('latin1', CMD_AT, CMD_AT + COMMAND_BYTES);
  if (command !== replyCommand(cmd)) {
    return err({ type: 'unexpected-reply', message: `reply command does not answer ${cmd}`, id, command });
  }
  const code = body.toString('latin1', CODE_AT, CODE_AT + ERROR_CODE_BYTES);
  if (!isErrorCode(code))
    return err({ type: 'bad-error-code', message: 'error code is not two digits', id, command });
  if (code !== ERR.OK) {
    if (body.length !== REPLY_FIELDS_AT) {
      return err({ type: 'trailing-bytes', message: 'error reply carries data', id, command });
    }
    return ok({ id, success: false, code });
  }
  const r = readFields(body, REPLY_FIELDS_AT, COMMANDS[cmd].reply);
  if (!r.ok) return err({ ...r.error, id, command });
  return ok({ id, success: true, code: ERR.OK, fields: r.value as unknown as ReplyFields<C> });
}
