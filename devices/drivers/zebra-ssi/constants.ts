/**
 * Zebra (Symbol/Motorola) SSI — Simple Serial Interface — constants. Values are the [C]onfirmed
 * ones from `research/scanner-protocols.md` §1; anything unverified is an option, not a constant.
 *
 * Packet: `LEN OPCODE SRC STATUS DATA… CKH CKL`; LEN counts every byte but the checksum (min 4).
 */
export const SSI_SOURCE_DECODER = 0x00;
export const SSI_SOURCE_HOST = 0x04;
/** Header bytes counted by LEN besides DATA: LEN, OPCODE, SRC, STATUS. */
export const SSI_HEADER_BYTES = 4;
/** LEN is one byte, so DATA is at most 0xFF − 4 bytes per packet. */
export const SSI_MAX_DATA = 0xff - SSI_HEADER_BYTES;
/** Largest packet on the wire: LEN 0xFF plus two checksum bytes. */
export const SSI_MAX_PACKET = 0xff + 2;
/** WAKEUP is a bare byte, not a packet. */
export const SSI_WAKEUP = 0x00;

export const SsiOpcode = {
  CUSTOM_DEFAULTS: 0x12,
  SSI_MGMT_COMMAND: 0x80,
  REQUEST_REVISION: 0xa3,
  REPLY_REVISION: 0xa4,
  IMAGE_DATA: 0xb1,
  VIDEO_DATA: 0xb4,
  ILLUMINATION_OFF: 0xc0,
  ILLUMINATION_ON: 0xc1,
  AIM_OFF: 0xc4,
  AIM_ON: 0xc5,
  PARAM_SEND: 0xc6,
  PARAM_REQUEST: 0xc7,
  PARAM_DEFAULTS: 0xc8,
  CMD_ACK: 0xd0,
  CMD_NAK: 0xd1,
  FLUSH_QUEUE: 0xd2,
  CAPABILITIES_REQUEST: 0xd3,
  CAPABILITIES_REPLY: 0xd4,
  START_SESSION: 0xe4,
  STOP_SESSION: 0xe5,
  BEEP: 0xe6,
  LED_ON: 0xe7,
  LED_OFF: 0xe8,
  SCAN_ENABLE: 0xe9,
  SCAN_DISABLE: 0xea,
  SLEEP: 0xeb,
  DECODE_DATA: 0xf3,
  EVENT: 0xf6,
  IMAGER_MODE: 0xf7,
} as const;

/** Status byte bits. Only these three are interpreted; others are ignored (field reports differ). */
export const SsiStatus = {
  RETRANSMIT: 0x01,
  CONTINUATION: 0x02,
  PERMANENT: 0x08,
} as const;

/** CMD_NAK cause, DATA[0]. */
export const SsiNakCause = {
  RESEND: 0x01,
  BAD_CONTEXT: 0x02,
  DENIED: 0x06,
  CANCEL: 0x0a,
} as const;

/** PARAM_SEND: first DATA byte is the beep code; 0xFF = no beep. */
export const SSI_BEEP_NONE = 0xff;
/** Parameter 238: decode data packet format, 0 = raw (factory default), 1 = packeted. */
export const SSI_PARAM_DECODE_FORMAT = 0xee;
/** Parameter numbers 256+ are written with an `F0` prefix byte (F0 4E = 334). */
export const SSI_PARAM_PREFIX_256 = 0xf0;

/** Opcodes a decoder sends to the host (used to decide whether a bad-checksum candidate was real). */
export const SSI_DECODER_OPCODES: ReadonlySet<number> = new Set([
  SsiOpcode.REPLY_REVISION,
  SsiOpcode.IMAGE_DATA,
  SsiOpcode.VIDEO_DATA,
  SsiOpcode.PARAM_SEND,
  SsiOpcode.CMD_ACK,
  SsiOpcode.CMD_NAK,
  SsiOpcode.CAPABILITIES_REPLY,
  SsiOpcode.DECODE_DATA,
  SsiOpcode.EVENT,
  SsiOpcode.SSI_MGMT_COMMAND,
]);
