/**
 * The display id strip the code page paints above each code: a row of square cells read straight
 * from the captured frame (before any camera degradation), so the rig knows which display id a
 * frame shows without decoding the code itself. Layout: two sync cells (dark, light), 16 id bits
 * (least significant first), 4 check bits. Dark = 1. Id 0 (all light) = no code shown.
 */
import type { Image } from '../../firmware-sdk/decode/image.js';

export const MARKER = { x: 8, y: 8, cell: 12, idBits: 16, checkBits: 4 } as const;
export const MARKER_CELLS = 2 + MARKER.idBits + MARKER.checkBits;
export const MAX_DISPLAY_ID = 2 ** MARKER.idBits - 1;

const check = (id: number): number => (id * 7 + 3) & 0xf;

/** The cells of `id` (1..65535), dark = true. */
export function markerCells(id: number): boolean[] {
  const cells = [true, false];
  for (let b = 0; b < MARKER.idBits; b++) cells.push(((id >> b) & 1) === 1);
  const c = check(id);
  for (let b = 0; b < MARKER.checkBits; b++) cells.push(((c >> b) & 1) === 1);
  return cells;
}

/** Mean grey level of the centre of cell `i` (half the cell side), 0..255. */
function cellLevel(img: Image, i: number): number {
  const side = MARKER.cell;
  const x0 = MARKER.x + i * side + side / 4;
  const y0 = MARKER.y + side / 4;
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y0 + side / 2; y++)
    for (let x = x0; x < x0 + side / 2; x++) {
      const o = y * img.width + x;
      sum +=
        img.channels === 1
          ? img.data[o]!
          : (img.data[o * 4]! * 299 + img.data[o * 4 + 1]! * 587 + img.data[o * 4 + 2]! * 114) / 1000;
      n++;
    }
  return sum / n;
}

/**
 * The display id a frame shows: 0 when the strip is blank (no code), `undefined` when it cannot be
 * read (sync or check bits wrong, frame too small): such a frame is counted, never guessed.
 */
export function readMarker(img: Image): number | undefined {
  if (img.width < MARKER.x + MARKER_CELLS * MARKER.cell || img.height < MARKER.y + MARKER.cell)
    return undefined;
  const dark = Array.from({ length: MARKER_CELLS }, (_, i) => cellLevel(img, i) < 128);
  if (dark.every((d) => !d)) return 0;
  if (!dark[0] || dark[1]) return undefined;
  let id = 0;
  for (let b = 0; b < MARKER.idBits; b++) if (dark[2 + b]) id |= 1 << b;
  let c = 0;
  for (let b = 0; b < MARKER.checkBits; b++) if (dark[2 + MARKER.idBits + b]) c |= 1 << b;
  return id > 0 && c === check(id) ? id : undefined;
}
