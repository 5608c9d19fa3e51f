/**
 * Optical degradations of hand-held photos: linear motion blur, defocus with a disc aperture, and
 * saturated specular spots (a glossy card or a phone screen under a ceiling lamp).
 */
import type { GreyImage } from '../decode/image.js';

const clamp = (v: number): number => Math.min(255, Math.max(0, v));

/**
 * Linear motion blur: the mean of the image shifted along a segment of `length` px at `angle`
 * (radians) centred on each pixel, sampled every ≤ 1 px (bilinear, edges clamped).
 */
export function motionBlur(image: GreyImage, length: number, angle: number): GreyImage {
  const { width: w, height: h, data } = image;
  const n = Math.max(2, Math.ceil(length) + 1);
  const acc = new Float32Array(w * h);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  for (let k = 0; k < n; k++) {
    const t = (k / (n - 1) - 0.5) * length;
    accumulateShift(data, acc, w, h, t * ux, t * uy, 1 / n);
  }
  return fromAcc(acc, w, h);
}

/**
 * Defocus through a round aperture: convolution with a disc of `radius` px (anti-aliased rim,
 * weights normalised, edges clamped). Unlike a Gaussian the disc has a flat top and a hard rim,
 * so its spectrum has zeros: some module frequencies are wiped out, not just damped.
 */
export function defocus(image: GreyImage, radius: number): GreyImage {
  const { width: w, height: h, data } = image;
  const r = Math.ceil(radius + 0.5);
  const taps: [number, number, number][] = [];
  let total = 0;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const cover = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(dx, dy)));
      if (cover > 0) {
        taps.push([dx, dy, cover]);
        total += cover;
      }
    }
  }
  const acc = new Float32Array(w * h);
  for (const [dx, dy, c] of taps) accumulateShift(data, acc, w, h, dx, dy, c / total);
  return fromAcc(acc, w, h);
}

/** One saturated specular spot: an ellipse whose core clips to white and whose halo fades out. */
export interface Spot {
  readonly x: number;
  readonly y: number;
  /** Half-axes (px) and orientation (radians) of the halo. */
  readonly rx: number;
  readonly ry: number;
  readonly angle: number;
  /** Fraction (0..1) of the halo radius that is fully saturated. */
  readonly core: number;
  /** Peak added light outside the core, 0..1 of the way to white. */
  readonly strength: number;
}

/** Adds specular spots: inside a spot's core every pixel is 255; outside it the light fades. */
export function specular(image: GreyImage, spots: readonly Spot[]): GreyImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data);
  for (const s of spots) {
    const cos = Math.cos(s.angle);
    const sin = Math.sin(s.angle);
    const reach = Math.max(s.rx, s.ry) * 2.2;
    const x0 = Math.max(0, Math.floor(s.x - reach));
    const x1 = Math.min(w - 1, Math.ceil(s.x + reach));
    const y0 = Math.max(0, Math.floor(s.y - reach));
    const y1 = Math.min(h - 1, Math.ceil(s.y + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x - s.x;
        const dy = y - s.y;
        const u = (dx * cos + dy * sin) / s.rx;
        const v = (-dx * sin + dy * cos) / s.ry;
        const d = Math.sqrt(u * u + v * v);
        const i = y * w + x;
        if (d <= s.core) {
          out[i] = 255;
          continue;
        }
        const t = (d - s.core) / Math.max(1e-6, 1 - s.core);
        const g = s.strength * Math.exp(-2 * t * t);
        const p = out[i]!;
        out[i] = Math.round(clamp(p + (255 - p) * g + 60 * g));
      }
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}

/** `acc += weight · image shifted by (sx, sy)` (bilinear; samples outside clamped to the edge). */
function accumulateShift(
  data: Uint8Array,
  acc: Float32Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
  weight: number,
): void {
  const ix = Math.floor(sx);
  const iy = Math.floor(sy);
  const tx = sx - ix;
  const ty = sy - iy;
  const w00 = (1 - tx) * (1 - ty) * weight;
  const w10 = tx * (1 - ty) * weight;
  const w01 = (1 - tx) * ty * weight;
  const w11 = tx * ty * weight;
  const xs0 = new Int32Array(w);
  const xs1 = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    xs0[x] = Math.min(w - 1, Math.max(0, x + ix));
    xs1[x] = Math.min(w - 1, Math.max(0, x + ix + 1));
  }
  for (let y = 0; y < h; y++) {
    const r0 = Math.min(h - 1, Math.max(0, y + iy)) * w;
    const r1 = Math.min(h - 1, Math.max(0, y + iy + 1)) * w;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const a = xs0[x]!;
      const b = xs1[x]!;
      acc[o + x]! += w00 * data[r0 + a]! + w10 * data[r0 + b]! + w01 * data[r1 + a]! + w11 * data[r1 + b]!;
    }
  }
}

function fromAcc(acc: Float32Array, w: number, h: number): GreyImage {
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(clamp(acc[i]!));
  return { width: w, height: h, channels: 1, data: out };
}
