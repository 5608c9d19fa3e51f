/** Point operations on grey images: histogram, percentiles, contrast stretch. */
import type { GreyImage } from '../image.js';

/** Histogram of the samples (256 bins). */
export function histogram(image: GreyImage): Uint32Array {
  const h = new Uint32Array(256);
  const d = image.data;
  for (let i = 0; i < d.length; i++) h[d[i]!]!++;
  return h;
}

/** The sample values at the given fractions (0..1) of the sorted samples. */
export function percentiles(image: GreyImage, fractions: readonly number[]): number[] {
  const hist = histogram(image);
  const n = image.data.length;
  return fractions.map((f) => {
    const target = Math.min(n - 1, Math.max(0, Math.floor(f * n)));
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc > target) return v;
    }
    return 255;
  });
}

/**
 * Linear contrast stretch mapping the `low`..`high` percentiles to 0..255. Returns the input
 * unchanged when the range is already wide (nothing to gain) or empty (a flat image).
 */
export function stretch(image: GreyImage, low = 0.01, high = 0.99): GreyImage {
  const [lo, hi] = percentiles(image, [low, high]) as [number, number];
  if (hi - lo < 2 || (lo <= 8 && hi >= 247)) return image;
  const lut = new Uint8Array(256);
  const k = 255 / (hi - lo);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.round((v - lo) * k)));
  return applyLut(image, lut);
}

export function applyLut(image: GreyImage, lut: Uint8Array): GreyImage {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]!]!;
  return { width: image.width, height: image.height, channels: 1, data: out };
}
