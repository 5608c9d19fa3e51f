/**
 * The warm-up symbol: a version-1 QR code (EC level L) for `EHC-WARMUP`, as produced by the
 * `qrcode` package, kept here as data so the decoder does not depend on the renderer. Decoding it
 * once at start moves wasm compilation tiers and JIT warm-up (20–80 ms) out of the first scan.
 */
import { createGrey, type GreyImage } from './image.js';

export const WARMUP_TEXT = 'EHC-WARMUP';

const ROWS = [
  '111111100101101111111',
  '100000100111001000001',
  '101110101101101011101',
  '101110100101001011101',
  '101110100010101011101',
  '100000100000101000001',
  '111111101010101111111',
  '000000001101100000000',
  '111011111111011000100',
  '100011010010001100001',
  '110110100100100010111',
  '010010011100001011110',
  '011000101110101100100',
  '000000001001010001111',
  '111111101001011111001',
  '100000101011110000000',
  '101110101011011100011',
  '101110100100001111110',
  '101110101000100000001',
  '100000101000001111111',
  '111111101000101110001',
] as const;

/**
 * The warm-up symbol at `moduleSize` px per module, centred in a `width`×`height` white frame (a
 * VGA frame by default, so wasm memory grows to frame size during warm-up, not on the first scan).
 */
export function warmupImage(moduleSize = 4, width = 640, height = 480): GreyImage {
  const n = ROWS.length;
  const img = createGrey(width, height, 255);
  const x0 = Math.max(0, Math.floor((width - n * moduleSize) / 2));
  const y0 = Math.max(0, Math.floor((height - n * moduleSize) / 2));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (ROWS[r]![c] !== '1') continue;
      for (let dy = 0; dy < moduleSize; dy++) {
        const y = y0 + r * moduleSize + dy;
        const x = x0 + c * moduleSize;
        if (y < height && x < width)
          img.data.fill(0, y * width + x, Math.min(y * width + x + moduleSize, (y + 1) * width));
      }
    }
  }
  return img;
}
