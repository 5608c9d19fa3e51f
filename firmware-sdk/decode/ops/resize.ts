/** Resampling of grey images: area-average downscale and bilinear scale. */
import type { GreyImage } from '../image.js';

/**
 * Downscale by an integer factor, each output pixel the mean of a `factor`×`factor` block.
 * Averaging (not skipping) is what lets it also suppress noise and screen moiré.
 */
export function downscale(image: GreyImage, factor: number): GreyImage {
  const f = Math.max(1, Math.floor(factor));
  if (f === 1) return image;
  const w = Math.floor(image.width / f);
  const h = Math.floor(image.height / f);
  const out = new Uint8Array(w * h);
  const src = image.data;
  const sw = image.width;
  const area = f * f;
  const half = area >> 1;
  const rowSums = new Uint32Array(w);
  for (let y = 0; y < h; y++) {
    rowSums.fill(0);
    for (let dy = 0; dy < f; dy++) {
      const row = (y * f + dy) * sw;
      for (let x = 0, sx = row; x < w; x++) {
        let s = 0;
        for (let dx = 0; dx < f; dx++, sx++) s += src[sx]!;
        rowSums[x]! += s;
      }
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = (rowSums[x]! + half) / area;
  }
  return { width: w, height: h, channels: 1, data: out };
}

/** Bilinear resample to `width`×`height` (pixel centres aligned). */
export function resizeBilinear(image: GreyImage, width: number, height: number): GreyImage {
  const out = new Uint8Array(width * height);
  const src = image.data;
  const sw = image.width;
  const sh = image.height;
  const sx = sw / width;
  const sy = sh / height;
  const x0s = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.min(Math.floor(fx), Math.max(sw - 2, 0));
    x0s[x] = x0;
    fxs[x] = fx - x0;
  }
  const x1off = sw > 1 ? 1 : 0;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.min(Math.floor(fy), Math.max(sh - 2, 0));
    const ty = fy - y0;
    const r0 = y0 * sw;
    const r1 = sh > 1 ? r0 + sw : r0;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = x0s[x]!;
      const tx = fxs[x]!;
      const a = src[r0 + x0]!;
      const b = src[r0 + x0 + x1off]!;
      const c = src[r1 + x0]!;
      const d = src[r1 + x0 + x1off]!;
      const top = a + (b - a) * tx;
      const bottom = c + (d - c) * tx;
      out[o + x] = top + (bottom - top) * ty + 0.5;
    }
  }
  return { width, height, channels: 1, data: out };
}

/** Scale by a real factor (bilinear up, area-average then bilinear down). */
export function scale(image: GreyImage, factor: number): GreyImage {
  const w = Math.max(1, Math.round(image.width * factor));
  const h = Math.max(1, Math.round(image.height * factor));
  if (factor < 1) {
    const whole = Math.floor(1 / factor);
    const pre = whole >= 2 ? downscale(image, whole) : image;
    return pre.width === w && pre.height === h ? pre : resizeBilinear(pre, w, h);
  }
  return resizeBilinear(image, w, h);
}

/** The grey value at (fx, fy) by bilinear interpolation, coordinates clamped to the image. */
export function bilinearAt(data: Uint8Array, w: number, h: number, fx: number, fy: number): number {
  const x = Math.min(w - 1, Math.max(0, fx));
  const y = Math.min(h - 1, Math.max(0, fy));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const tx = x - x0;
  const ty = y - y0;
  const top = data[y0 * w + x0]! + (data[y0 * w + x1]! - data[y0 * w + x0]!) * tx;
  const bottom = data[y1 * w + x0]! + (data[y1 * w + x1]! - data[y1 * w + x0]!) * tx;
  return top + (bottom - top) * ty;
}
