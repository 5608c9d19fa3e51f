/** Geometric degradations: rotation, perspective, scale, and placing a code in a camera frame. */
import type { GreyImage } from '../decode/image.js';
import { scale as scaleImage } from '../decode/ops/resize.js';
import type { Rng } from './prng.js';
import { perspectiveMap, type Quad, rotationMap, warp } from './warp.js';

/** Rotation by `degrees` about the centre; uncovered corners get `fill`. */
export function rotate(image: GreyImage, degrees: number, fill: number): GreyImage {
  return warp(image, image.width, image.height, rotationMap(image.width, image.height, degrees), fill);
}

/**
 * Perspective (camera not facing the code squarely): a keystone tilt about a seeded axis, the far
 * edge shortened to `1 - strength` of the near one and foreshortened towards it, plus a little
 * per-corner jitter. The canvas keeps its size.
 */
export function perspective(image: GreyImage, strength: number, fill: number, rng: Rng): GreyImage {
  const { width: w, height: h } = image;
  const k = strength * rng.range(0.7, 1);
  // Corners as [x, y] in the order top-left, top-right, bottom-right, bottom-left.
  const c: [number, number][] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  const side = rng.int(0, 3); // which edge is far: top, right, bottom, left
  const [a, b] = [side, (side + 1) % 4] as const;
  const alongX = side % 2 === 0; // top/bottom edges run along x
  const shrink = ((alongX ? w : h) * k) / 2;
  const fore = (alongX ? h : w) * k * 0.3;
  const ca = c[a]!;
  const cb = c[b]!;
  if (alongX) {
    const dirA = ca[0] < cb[0] ? 1 : -1;
    ca[0] += dirA * shrink;
    cb[0] -= dirA * shrink;
    const inward = side === 0 ? 1 : -1;
    ca[1] += inward * fore;
    cb[1] += inward * fore;
  } else {
    const dirA = ca[1] < cb[1] ? 1 : -1;
    ca[1] += dirA * shrink;
    cb[1] -= dirA * shrink;
    const inward = side === 3 ? 1 : -1;
    ca[0] += inward * fore;
    cb[0] += inward * fore;
  }
  const jitter = (): number => rng.range(-0.03, 0.03);
  const quad = c.flatMap(([x, y]) => [x + jitter() * w, y + jitter() * h]) as unknown as Quad;
  return warp(image, w, h, perspectiveMap(w, h, quad), fill);
}

/** Resample by `factor` (e.g. 0.5 turns 4-px modules into 2-px ones). */
export function scale(image: GreyImage, factor: number): GreyImage {
  return scaleImage(image, factor);
}

/**
 * Places `code` in a `width`×`height` camera frame at (`x`, `y`) (top-left; seeded when absent)
 * over a background: a dark desk/bezel with soft shading and, with `clutter`, grey blocks
 * (labels, buttons, a hand) that a detector must ignore.
 */
export function frame(
  code: GreyImage,
  width: number,
  height: number,
  rng: Rng,
  at?: { x?: number | undefined; y?: number | undefined },
  clutter = true,
): GreyImage {
  const out = new Uint8Array(width * height);
  const base = rng.int(60, 150);
  const gx = rng.range(-0.08, 0.08);
  const gy = rng.range(-0.08, 0.08);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = base + gx * (x - width / 2) + gy * (y - height / 2);
      out[y * width + x] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  if (clutter) {
    const blocks = rng.int(3, 8);
    for (let b = 0; b < blocks; b++) {
      const bw = rng.int(Math.floor(width / 20), Math.floor(width / 4));
      const bh = rng.int(Math.floor(height / 20), Math.floor(height / 4));
      const bx = rng.int(0, width - bw);
      const by = rng.int(0, height - bh);
      const level = rng.int(0, 255);
      for (let y = by; y < by + bh; y++) out.fill(level, y * width + bx, y * width + bx + bw);
    }
  }
  const maxX = Math.max(0, width - code.width);
  const maxY = Math.max(0, height - code.height);
  const px = Math.min(maxX, Math.max(0, Math.round(at?.x ?? rng.int(0, maxX))));
  const py = Math.min(maxY, Math.max(0, Math.round(at?.y ?? rng.int(0, maxY))));
  const cw = Math.min(code.width, width - px);
  for (let y = 0; y < Math.min(code.height, height - py); y++) {
    out.set(code.data.subarray(y * code.width, y * code.width + cw), (py + y) * width + px);
  }
  return { width, height, channels: 1, data: out };
}
