/**
 * Flattening a code printed on a curved surface (a bottle, a vial, a wrist band): seen from the
 * front, a cylinder's surface at arc length `s` from the line facing the camera appears at
 * `R·sin(s/R)`, so modules shrink towards the rims and zxing's one-homography grid drifts off
 * them. Given where the engine located the symbol (a failed read still reports its quad) and a
 * guess of the arc the symbol spans, the inverse map stretches the rims back.
 */
import type { GreyImage } from '../image.js';
import { bilinearAt } from './resize.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A symbol's corners as the engine reports them. */
export interface Quad {
  readonly topLeft: Point;
  readonly topRight: Point;
  readonly bottomRight: Point;
  readonly bottomLeft: Point;
}

/** Whether a quad is a usable location (not degenerate: every side at least `min` px). */
export function usableQuad(q: Quad, min = 20): boolean {
  const c = [q.topLeft, q.topRight, q.bottomRight, q.bottomLeft];
  return c.every((p, i) => {
    const n = c[(i + 1) % 4]!;
    return Math.hypot(n.x - p.x, n.y - p.y) >= min;
  });
}

/**
 * The frame with the curvature along one of the quad's axes (`across`: top-left→top-right,
 * else top-left→bottom-left) undone, assuming the cylinder's line facing the camera runs through
 * the symbol's centre and the symbol spans `arcDegrees` of its circumference, seen from
 * `distance` radii in front of the surface (default: from afar). Beyond the visible half of the
 * cylinder the output is light (a quiet zone).
 */
export function unwrapCylinder(
  image: GreyImage,
  q: Quad,
  across: boolean,
  arcDegrees: number,
  distance = Number.POSITIVE_INFINITY,
): GreyImage {
  const { width: w, height: h, data } = image;
  const cx = (q.topLeft.x + q.topRight.x + q.bottomRight.x + q.bottomLeft.x) / 4;
  const cy = (q.topLeft.y + q.topRight.y + q.bottomRight.y + q.bottomLeft.y) / 4;
  const ex = across
    ? q.topRight.x - q.topLeft.x + q.bottomRight.x - q.bottomLeft.x
    : q.bottomLeft.x - q.topLeft.x + q.bottomRight.x - q.topRight.x;
  const ey = across
    ? q.topRight.y - q.topLeft.y + q.bottomRight.y - q.bottomLeft.y
    : q.bottomLeft.y - q.topLeft.y + q.bottomRight.y - q.topRight.y;
  const len = Math.hypot(ex, ey);
  const ux = ex / len;
  const uy = ey / len;
  const halfWidth = len / 4;
  const half = (arcDegrees * Math.PI) / 360;
  const r = halfWidth / Math.sin(half);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5 - cy;
      const a = px * ux + py * uy;
      const t = a / r;
      if (Math.abs(t) >= Math.PI / 2) {
        out[y * w + x] = 255;
        continue;
      }
      // Parts turned away are farther from the camera, so they look smaller in both directions.
      const mag = Number.isFinite(distance) ? distance / (distance + 1 - Math.cos(t)) : 1;
      const along = r * Math.sin(t) * mag;
      const bx = px - a * ux;
      const by = py - a * uy;
      out[y * w + x] = Math.round(
        bilinearAt(data, w, h, cx - 0.5 + along * ux + bx * mag, cy - 0.5 + along * uy + by * mag),
      );
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}
