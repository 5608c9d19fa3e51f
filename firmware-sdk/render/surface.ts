/**
 * What the surface a code is printed on does to it: a steep camera tilt (pinhole projection of a
 * rotated plane), a curved surface (a bottle, a wrist band), a mirror image (a selfie camera, a
 * code seen through glass), a fold line, and something covering part of it (a thumb, a sticker).
 */
import type { GreyImage } from '../decode/image.js';
import { bilinearAt } from '../decode/ops/resize.js';
import { perspectiveMap, type Quad, warp } from './warp.js';

const clamp = (v: number): number => Math.min(255, Math.max(0, v));

/**
 * Steep perspective: the code's plane rotated by `degrees` about an in-plane axis through its
 * centre at `axis` (radians), seen by a pinhole camera `distance` × the longer side away. The
 * projected quad is scaled to fit the canvas (which keeps its size) and centred.
 */
export function tilt(
  image: GreyImage,
  degrees: number,
  axis: number,
  distance: number,
  fill: number,
): GreyImage {
  const { width: w, height: h } = image;
  const t = (degrees * Math.PI) / 180;
  const ax = Math.cos(axis);
  const ay = Math.sin(axis);
  const d = distance * Math.max(w, h);
  const corners: [number, number][] = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ];
  const projected = corners.map(([x, y]) => {
    // Split into the part along the axis (unchanged) and across it (rotated out of the plane).
    const along = x * ax + y * ay;
    const across = -x * ay + y * ax;
    const inPlane = across * Math.cos(t);
    const z = d + across * Math.sin(t);
    const k = d / z;
    return [(along * ax - inPlane * ay) * k, (along * ay + inPlane * ax) * k] as const;
  });
  const xs = projected.map((p) => p[0]);
  const ys = projected.map((p) => p[1]);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const fit = Math.min(1, w / (Math.max(...xs) - minX), h / (Math.max(...ys) - minY));
  const offX = (w - (Math.max(...xs) - minX) * fit) / 2;
  const offY = (h - (Math.max(...ys) - minY) * fit) / 2;
  const quad = projected.flatMap(([x, y]) => [offX + (x - minX) * fit, offY + (y - minY) * fit]);
  return warp(image, w, h, perspectiveMap(w, h, quad as unknown as Quad), fill);
}

/**
 * The code wrapped round a cylinder whose axis is vertical (`vertical`) or horizontal, its width
 * (height) spanning `arc` degrees of the circumference, seen from `distance` radii in front of the
 * surface: modules shrink towards the rims, the far rows bow (nearer parts look larger), and the
 * surface darkens by up to `shade` (0..1) as it turns away from the light.
 */
export function cylinder(
  image: GreyImage,
  arc: number,
  vertical: boolean,
  distance: number,
  shade: number,
  fill: number,
): GreyImage {
  const { width: w, height: h, data } = image;
  // Work in (u across the axis, v along it).
  const across = vertical ? w : h;
  const along = vertical ? h : w;
  const half = (arc * Math.PI) / 180 / 2;
  const r = across / 2 / half;
  const d = distance * r;
  const project = (a: number): number => (r * Math.sin(a) * d) / (d + r * (1 - Math.cos(a)));
  // Same scale as the flat code at the centre line: the projected width shrinks to 2 × rim.
  const rim = project(half);
  const k = 1;
  // Per output column (across): the surface angle, by bisection on the monotonic projection.
  const angle = new Float64Array(across);
  const inside = new Uint8Array(across);
  for (let u = 0; u < across; u++) {
    const target = Math.abs((u + 0.5 - across / 2) / k);
    if (target > rim) continue;
    let lo = 0;
    let hi = half;
    for (let it = 0; it < 40; it++) {
      const mid = (lo + hi) / 2;
      if (project(mid) < target) lo = mid;
      else hi = mid;
    }
    angle[u] = Math.sign(u + 0.5 - across / 2) * lo;
    inside[u] = 1;
  }
  const out = new Uint8Array(w * h);
  for (let u = 0; u < across; u++) {
    const a = angle[u]!;
    const mag = (k * d) / (d + r * (1 - Math.cos(a)));
    const su = across / 2 + r * a - 0.5;
    const light = 1 - shade * (1 - Math.cos(a));
    for (let v = 0; v < along; v++) {
      const sv = along / 2 + (v + 0.5 - along / 2) / mag - 0.5;
      const [x, y] = vertical ? [u, v] : [v, u];
      const [sx, sy] = vertical ? [su, sv] : [sv, su];
      let value = fill;
      if (inside[u] === 1 && sx >= -0.5 && sy >= -0.5 && sx <= w - 0.5 && sy <= h - 0.5) {
        value = bilinearAt(data, w, h, sx, sy) * light;
      }
      out[y * w + x] = Math.round(clamp(value));
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}

/** Mirror image: flipped left-right (`horizontal`) or top-bottom. */
export function mirror(image: GreyImage, horizontal: boolean): GreyImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const src = (horizontal ? y : h - 1 - y) * w;
    const dst = y * w;
    if (horizontal) for (let x = 0; x < w; x++) out[dst + x] = data[src + w - 1 - x]!;
    else out.set(data.subarray(src, src + w), dst);
  }
  return { width: w, height: h, channels: 1, data: out };
}

/**
 * A fold: a line at `angle` (radians) through the point `offset` (fraction of the half-diagonal)
 * from the centre. Beyond it the surface faces the light differently (brightness × (1 − `step`))
 * and is displaced by up to `shift` px across the line; the ridge itself, `width` px wide, catches
 * a highlight (`step` > 0) or a shadow.
 */
export function crease(
  image: GreyImage,
  angle: number,
  offset: number,
  step: number,
  shift: number,
  width: number,
): GreyImage {
  const { width: w, height: h, data } = image;
  const nx = -Math.sin(angle);
  const ny = Math.cos(angle);
  const c = offset * Math.hypot(w, h) * 0.5;
  const cx = w / 2 + nx * c;
  const cy = h / 2 + ny * c;
  const out = new Uint8Array(w * h);
  const ridge = 45 * Math.sign(step || 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dist = (x + 0.5 - cx) * nx + (y + 0.5 - cy) * ny;
      const t = Math.min(1, Math.max(0, dist / width));
      const sx = x - nx * shift * t;
      const sy = y - ny * shift * t;
      let v = bilinearAt(data, w, h, sx, sy) * (1 - step * t);
      v += ridge * Math.exp(-((dist / width) ** 2));
      out[y * w + x] = Math.round(clamp(v));
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}

/**
 * Something opaque over part of the code: an ellipse (a thumb) or a rectangle (a sticker) with
 * bounding box (`x`, `y`, `width`, `height`) px, of grey `level`, its edge softened over ~1.5 px.
 */
export function occlude(
  image: GreyImage,
  box: { x: number; y: number; width: number; height: number },
  ellipse: boolean,
  level: number,
): GreyImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const rx = box.width / 2;
  const ry = box.height / 2;
  const soft = 1.5;
  const x0 = Math.max(0, Math.floor(box.x - soft));
  const x1 = Math.min(w - 1, Math.ceil(box.x + box.width + soft));
  const y0 = Math.max(0, Math.floor(box.y - soft));
  const y1 = Math.min(h - 1, Math.ceil(box.y + box.height + soft));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5 - cy;
      // Signed distance (px, approximate for the ellipse) outside the shape's edge.
      const outside = ellipse
        ? (Math.hypot(px / rx, py / ry) - 1) * Math.min(rx, ry)
        : Math.max(Math.abs(px) - rx, Math.abs(py) - ry);
      const a = Math.min(1, Math.max(0, 0.5 - outside / soft));
      if (a <= 0) continue;
      const i = y * w + x;
      out[i] = Math.round(data[i]! * (1 - a) + level * a);
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}
