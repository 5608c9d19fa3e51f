/** Geometric warps of grey images by inverse mapping with bilinear sampling. */
import type { GreyImage } from '../decode/image.js';

/** Maps an output pixel centre to the source position it samples (writes into `out`). */
export type InverseMap = (x: number, y: number, out: Float64Array) => void;

/** Output pixel (x, y) takes the source at `map(x, y)`; outside the source it gets `fill`. */
export function warp(
  src: GreyImage,
  width: number,
  height: number,
  map: InverseMap,
  fill: number,
): GreyImage {
  const out = new Uint8Array(width * height);
  const { width: sw, height: sh, data } = src;
  const p = new Float64Array(2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      map(x + 0.5, y + 0.5, p);
      const fx = p[0]! - 0.5;
      const fy = p[1]! - 0.5;
      out[y * width + x] = sample(data, sw, sh, fx, fy, fill);
    }
  }
  return { width, height, channels: 1, data: out };
}

function sample(data: Uint8Array, w: number, h: number, fx: number, fy: number, fill: number): number {
  if (fx < -1 || fy < -1 || fx > w || fy > h) return fill;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  // The four neighbours, `fill` outside the source (no closure per sample: this is the hot loop).
  const inX0 = x0 >= 0 && x0 < w;
  const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
  const inY0 = y0 >= 0 && y0 < h;
  const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
  const r0 = y0 * w;
  const r1 = r0 + w;
  const a = inX0 && inY0 ? data[r0 + x0]! : fill;
  const b = inX1 && inY0 ? data[r0 + x0 + 1]! : fill;
  const c = inX0 && inY1 ? data[r1 + x0]! : fill;
  const d = inX1 && inY1 ? data[r1 + x0 + 1]! : fill;
  const top = a + (b - a) * tx;
  const bottom = c + (d - c) * tx;
  return Math.round(top + (bottom - top) * ty);
}

/** Rotation by `degrees` about the image centre, same canvas size. */
export function rotationMap(width: number, height: number, degrees: number): InverseMap {
  const a = (-degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = width / 2;
  const cy = height / 2;
  return (x, y, out) => {
    const dx = x - cx;
    const dy = y - cy;
    out[0] = cx + dx * cos - dy * sin;
    out[1] = cy + dx * sin + dy * cos;
  };
}

export type Quad = readonly [number, number, number, number, number, number, number, number];

/**
 * The 3×3 homography (row-major, h33 = 1) taking the unit square's corners (0,0), (1,0), (1,1),
 * (0,1) to the quad's corners in that order (Heckbert's closed form).
 */
export function squareToQuad(q: Quad): number[] {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = q;
  const dx3 = x0 - x1 + x2 - x3;
  const dy3 = y0 - y1 + y2 - y3;
  if (Math.abs(dx3) < 1e-12 && Math.abs(dy3) < 1e-12) {
    return [x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0, 0, 1];
  }
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (dx3 * dy2 - dx2 * dy3) / den;
  const h = (dx1 * dy3 - dx3 * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/**
 * Perspective map taking the source rectangle (0,0)-(w,h) onto the destination quad `dst`:
 * output pixels are mapped back through quad → unit square → source rectangle.
 */
export function perspectiveMap(srcWidth: number, srcHeight: number, dst: Quad): InverseMap {
  const inv = invert3(squareToQuad(dst));
  const [a, b, c, d, e, f, g, h, i] = inv as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return (x, y, out) => {
    const z = g * x + h * y + i;
    out[0] = ((a * x + b * y + c) / z) * srcWidth;
    out[1] = ((d * x + e * y + f) / z) * srcHeight;
  };
}
