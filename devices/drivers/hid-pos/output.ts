import type { HidPosCommandOutput, HidPosFlagsOutput } from './layout.js';

/** An output report setting the given flag bits of a trigger report (all others clear). */
export function flagsReport(layout: HidPosFlagsOutput, mask: number): Uint8Array {
  const out = new Uint8Array(Math.max(layout.length, layout.offset + 1));
  out[0] = layout.reportId;
  out[layout.offset] = mask;
  return out;
}

/** `[id][len][command…]`, zero padded to the report length. Throws RangeError if it cannot fit. */
export function commandReport(
  layout: Pick<HidPosCommandOutput, 'reportId' | 'length'>,
  command: Uint8Array,
): Uint8Array {
  if (command.length > layout.length - 2 || command.length > 0xff) {
    throw new RangeError(`command of ${command.length} bytes does not fit a ${layout.length}-byte report`);
  }
  const out = new Uint8Array(layout.length);
  out[0] = layout.reportId;
  out[1] = command.length;
  out.set(command, 2);
  return out;
}
