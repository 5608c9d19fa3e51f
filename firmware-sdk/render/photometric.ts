/** Photometric degradations of grey images: what optics, sensor, lighting and screens do. */
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import type { GreyImage } from '../decode/image.js';
import { toGrey, toRgba } from '../decode/image.js';
import { gaussianBlur } from '../decode/ops/filter.js';
import type { Rng } from './prng.js';

const clamp = (v: number): number => (v < 0 ? 0 : Math.min(v, 255));

function map(image: GreyImage, f: (v: number, x: number, y: number) => number): GreyImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) out[row + x] = Math.round(clamp(f(data[row + x]!, x, y)));
  }
  return { width: w, height: h, channels: 1, data: out };
}

/** Defocus: Gaussian blur of `sigma` pixels. */
export function blur(image: GreyImage, sigma: number): GreyImage {
  return gaussianBlur(image, sigma);
}

/** Sensor noise: additive Gaussian of `sigma` grey levels, plus a fraction of salt-and-pepper pixels. */
export function noise(image: GreyImage, sigma: number, saltPepper: number, rng: Rng): GreyImage {
  return map(image, (v) => {
    if (saltPepper > 0 && rng.next() < saltPepper) return rng.next() < 0.5 ? 0 : 255;
    return v + sigma * rng.gauss();
  });
}

/** Low contrast: the full range 0..255 squeezed into `low`..`high`. */
export function contrast(image: GreyImage, low: number, high: number): GreyImage {
  const k = (high - low) / 255;
  return map(image, (v) => low + v * k);
}

/** Uneven lighting: a linear falloff along `angle` dimming the far side by `strength` (0..1). */
export function lighting(image: GreyImage, strength: number, angle: number): GreyImage {
  const { width: w, height: h } = image;
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const extent = Math.abs(ux) * w + Math.abs(uy) * h;
  const x0 = ux < 0 ? w : 0;
  const y0 = uy < 0 ? h : 0;
  return map(image, (v, x, y) => {
    const t = ((x - x0) * ux + (y - y0) * uy) / extent;
    return v * (1 - strength * t);
  });
}

/**
 * Glare: a specular reflection, an additive Gaussian spot of peak `strength` (0..1 of white)
 * and radius `radius` px at (`cx`, `cy`). Strong spots saturate and erase modules.
 */
export function glare(image: GreyImage, strength: number, radius: number, cx: number, cy: number): GreyImage {
  const k = 1 / (2 * radius * radius);
  return map(image, (v, x, y) => {
    const d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
    const g = strength * Math.exp(-d2 * k);
    return v + (255 - v) * g + 40 * g;
  });
}

/** Reversed reflectance. */
export function invertImage(image: GreyImage): GreyImage {
  return map(image, (v) => 255 - v);
}

/**
 * Screen moiré: a photographed display's pixel grid beats against the sensor grid, giving
 * low-frequency fringes (`period` px, at `angle`) of depth `amplitude`, riding on a fine
 * sub-pixel grid; display blacks are lifted (an LCD never emits zero).
 */
export function moire(image: GreyImage, period: number, amplitude: number, angle: number): GreyImage {
  const fx = Math.cos(angle) / period;
  const fy = Math.sin(angle) / period;
  const grid = 2.6;
  return map(image, (v, x, y) => {
    const fringe = 0.5 + 0.5 * Math.cos(2 * Math.PI * (x * fx + y * fy));
    const sub = 0.5 + 0.5 * Math.cos((2 * Math.PI * x) / grid) * Math.cos((2 * Math.PI * y) / grid);
    const lit = 30 + (v * 225) / 255;
    return lit * (1 - amplitude * fringe) * (1 - 0.25 * amplitude * sub);
  });
}

/** JPEG round trip at `quality` (1..100): block artefacts and ringing, as camera pipelines add. */
export function jpeg(image: GreyImage, quality: number): GreyImage {
  const rgba = toRgba(image);
  const encoded = encodeJpeg({ width: image.width, height: image.height, data: rgba.data }, quality);
  const back = decodeJpeg(encoded.data, { useTArray: true, formatAsRGBA: true });
  return toGrey({ width: back.width, height: back.height, channels: 4, data: back.data });
}
