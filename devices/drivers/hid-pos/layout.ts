/**
 * Where things sit in a HID POS scanner's reports. All offsets are byte offsets in the report as
 * the transport delivers it: report id first (`DeviceIdentity`/`Transport` contract), so the first
 * data byte is at offset 1.
 */
export interface HidPosInputLayout {
  readonly reportId: number;
  /** Report length in bytes, id included. Shorter reports are refused. */
  readonly length: number;
  /** Offset of the byte count of valid data bytes in this report (Generic Desktop 0x3B). */
  readonly byteCount?: number;
  /** Offset of the 3 AIM symbology identifier bytes (0x8C:FB–FD). */
  readonly aim?: number;
  /** Decoded data (0x8C:FE). */
  readonly data: { readonly offset: number; readonly length: number };
  /** Offset of a vendor code id byte (Honeywell 0xFF66:04, Newland's symbology id). */
  readonly codeId?: number;
  /** "Decoded data continued" flag (0x8C:FF): another report of this message follows. */
  readonly continued?: { readonly offset: number; readonly mask: number };
}

/** A trigger report of flag bits (0x8C:14): Initiate Read 0x60, Prevent Read 0x5F, beeps 0x85/0x86. */
export interface HidPosFlagsOutput {
  readonly type: 'flags';
  readonly reportId: number;
  /** Report length in bytes, id included. */
  readonly length: number;
  readonly offset: number;
  readonly initiate?: number;
  readonly prevent?: number;
  readonly errorBeep?: number;
  readonly goodBeep?: number;
}

/** A command report `[id][len][command…]` (Newland FM430 style). */
export interface HidPosCommandOutput {
  readonly type: 'command';
  readonly reportId: number;
  readonly length: number;
  readonly triggerOn?: Uint8Array;
  readonly triggerOff?: Uint8Array;
}

export type HidPosOutputLayout = HidPosFlagsOutput | HidPosCommandOutput;

export interface HidPosLayout {
  readonly input: HidPosInputLayout;
  readonly output?: HidPosOutputLayout;
}
