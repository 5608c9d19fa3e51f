/** Linear filters on grey images: box and Gaussian blur, unsharp masking. */
import type { GreyImage } from '../image.js';

/**
 * Box filter of radius `r` (window 2r+1), edges clamped: a running-sum horizontal pass, then a
 * vertical pass that keeps one running sum per column so it walks memory row by row.
 */
export function boxBlur(image: GreyImage, radius: number): GreyImage {
  const r = Math.max(0, Math.floor(radius));
  if (r === 0) return image;
  const { width: w, height: h } = image;
  const tmp = new Uint8Array(w * h);
  horizontal(image.data, tmp, w, h, r);
  const out = new Uint8Array(w * h);
  vertical(tmp, out, w, h, r);
  return { width: w, height: h, channels: 1, data: out };
}

/**
 * Fixed-point reciprocal of the window: `(sum * mul + HALF) >>> 24` is the rounded mean. With 24
 * fraction bits the error stays far below half a grey level, and `255·2^24 + HALF` still fits the
 * unsigned 32 bits `>>>` works on.
 */
const SHIFT = 24;
const HALF = 1 << (SHIFT - 1);
const reciprocal = (win: number): number => Math.floor(2 ** SHIFT / win);

function horizontal(src: Uint8Array, dst: Uint8Array, w: number, h: number, r: number): void {
  const mul = reciprocal(2 * r + 1);
  const last = w - 1;
  const head = Math.min(r, w);
  const tail = w - r - 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += src[row + (k < 0 ? 0 : Math.min(k, last))]!;
    const first = src[row]!;
    const lastValue = src[row + last]!;
    let x = 0;
    // Three segments so the inner loop has no edge clamping.
    for (; x < head; x++) {
      dst[row + x] = (sum * mul + HALF) >>> SHIFT;
      const add = x + r + 1;
      sum += src[row + Math.min(add, last)]! - first;
    }
    for (; x < tail; x++) {
      dst[row + x] = (sum * mul + HALF) >>> SHIFT;
      sum += src[row + x + r + 1]! - src[row + x - r]!;
    }
    for (; x < w; x++) {
      dst[row + x] = (sum * mul + HALF) >>> SHIFT;
      const sub = x - r;
      sum += lastValue - src[row + Math.max(sub, 0)]!;
    }
  }
}

function vertical(src: Uint8Array, dst: Uint8Array, w: number, h: number, r: number): void {
  const mul = reciprocal(2 * r + 1);
  const last = h - 1;
  const sums = new Int32Array(w);
  for (let k = -r; k <= r; k++) {
    const row = (k < 0 ? 0 : Math.min(k, last)) * w;
    for (let x = 0; x < w; x++) sums[x]! += src[row + x]!;
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const add = y + r + 1;
    const sub = y - r;
    const addRow = Math.min(add, last) * w;
    const subRow = Math.max(sub, 0) * w;
    for (let x = 0; x < w; x++) {
      const s = sums[x]!;
      dst[o + x] = (s * mul + HALF) >>> SHIFT;
      sums[x] = s + src[addRow + x]! - src[subRow + x]!;
    }
  }
}

/** Gaussian blur approximated by three box passes (error < 3 %), `sigma` in pixels. */
export function gaussianBlur(image: GreyImage, sigma: number): GreyImage {
  if (sigma < 0.3) return image;
  let img = image;
  for (const r of boxRadiiForGauss(sigma)) img = boxBlur(img, r);
  return img;
}

/** Box radii whose three passes approximate a Gaussian of `sigma` (Kovesi's construction). */
function boxRadiiForGauss(sigma: number): number[] {
  const ideal = Math.sqrt((12 * sigma * sigma) / 3 + 1);
  let wl = Math.floor(ideal);
  if (wl % 2 === 0) wl--;
  const wu = wl + 2;
  const m = Math.round((12 * sigma * sigma - 3 * wl * wl - 12 * wl - 9) / (-4 * wl - 4));
  return [0, 1, 2].map((i) => ((i < m ? wl : wu) - 1) / 2);
}

/**
 * Unsharp mask `x + amount·(x − box(x))` over one box blur of radius `r`: restores edges softened
 * by defocus. (A Gaussian mask read no more codes on the corpus and cost about twice as much.)
 */
export function unsharpBox(image: GreyImage, radius: number, amount: number): GreyImage {
  const b = boxBlur(image, radius).data;
  const src = image.data;
  const out = new Uint8Array(src.length);
  const k = 1 + amount;
  for (let i = 0; i < src.length; i++) {
    const v = k * src[i]! - amount * b[i]!;
    out[i] = v < 0 ? 0 : Math.min(v, 255);
  }
  return { width: image.width, height: image.height, channels: 1, data: out };
}
