/**
 * Finder patterns (the three 7×7 corner squares of a QR symbol) found in a binarised frame, and a
 * synthetic finder painted where a covered one should be. zxing-cpp needs all three finders to
 * locate a symbol; when a thumb or a sticker hides one, the other two give its place: it sits at
 * the right angle of the isosceles right triangle the three make (the two visible ones are then
 * either a side or the hypotenuse). Each possible place is a hypothesis the ladder tries in turn;
 * a wrong one reads nothing (the format information and Reed–Solomon check reject it).
 */
import type { GreyImage } from '../image.js';

/** A finder pattern's centre (px) and its module size (px), with how many scan lines crossed it. */
export interface Finder {
  readonly x: number;
  readonly y: number;
  readonly module: number;
  readonly hits: number;
}

/**
 * Run-length pattern 1:1:3:1:1 (dark, light, dark, light, dark) with each run within half a
 * module of its ideal length: the cross-section of a finder through its centre.
 */
function finderRuns(r: readonly number[]): number | undefined {
  const total = r[0]! + r[1]! + r[2]! + r[3]! + r[4]!;
  if (total < 7) return undefined;
  const m = total / 7;
  const tol = m / 1.6;
  if (Math.abs(r[0]! - m) > tol || Math.abs(r[1]! - m) > tol || Math.abs(r[3]! - m) > tol) return undefined;
  if (Math.abs(r[4]! - m) > tol || Math.abs(r[2]! - 3 * m) > 3 * tol) return undefined;
  return m;
}

/** Cross-check along column `x` around row `y`: the same pattern vertically, centred near `y`. */
function crossCheck(
  bin: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  m: number,
): number | undefined {
  const dark = (yy: number): boolean => bin[yy * w + x] === 0;
  if (!dark(y)) return undefined;
  const max = Math.ceil(m * 5);
  let up = y;
  const runs = [0, 0, 0, 0, 0];
  // Centre run upwards and downwards, then the two runs on each side.
  while (up >= 0 && dark(up) && y - up <= max) up--;
  let down = y;
  while (down < h && dark(down) && down - y <= max) down++;
  runs[2] = down - up - 1;
  let p = up;
  while (p >= 0 && !dark(p) && up - p <= max) p--;
  runs[1] = up - p;
  let q = p;
  while (q >= 0 && dark(q) && p - q <= max) q--;
  runs[0] = p - q;
  let s = down;
  while (s < h && !dark(s) && s - down <= max) s++;
  runs[3] = s - down;
  let t = s;
  while (t < h && dark(t) && t - s <= max) t++;
  runs[4] = t - s;
  const mv = finderRuns(runs);
  if (mv === undefined || mv < m / 1.5 || mv > m * 1.5) return undefined;
  return (up + down) / 2;
}

/**
 * Finder patterns in a 0/255 image (`0` dark): every `step`-th row scanned for the 1:1:3:1:1
 * pattern, each hit cross-checked along its column, hits within two modules merged. Sorted by
 * the number of rows that crossed them (most first).
 */
export function findFinders(binary: GreyImage, step = 2): Finder[] {
  const { width: w, height: h, data } = binary;
  const found: { x: number; y: number; m: number; n: number }[] = [];
  for (let y = 0; y < h; y += step) {
    const row = y * w;
    const runs: number[] = [];
    const starts: number[] = [];
    let start = 0;
    for (let x = 1; x <= w; x++) {
      if (x === w || (data[row + x] === 0) !== (data[row + x - 1] === 0)) {
        runs.push(x - start);
        starts.push(start);
        start = x;
      }
    }
    // Windows of five runs starting on a dark run.
    const firstDark = data[row] === 0 ? 0 : 1;
    for (let i = firstDark; i + 4 < runs.length; i += 2) {
      const m = finderRuns(runs.slice(i, i + 5));
      if (m === undefined) continue;
      const cx = Math.round(starts[i + 2]! + runs[i + 2]! / 2);
      const cy = crossCheck(data, w, h, cx, y, m);
      if (cy === undefined) continue;
      const near = found.find((f) => Math.abs(f.x - cx) < 2 * f.m && Math.abs(f.y - cy) < 2 * f.m);
      if (near === undefined) found.push({ x: cx, y: cy, m, n: 1 });
      else {
        near.x = (near.x * near.n + cx) / (near.n + 1);
        near.y = (near.y * near.n + cy) / (near.n + 1);
        near.m = (near.m * near.n + m) / (near.n + 1);
        near.n++;
      }
    }
  }
  return found
    .filter((f) => f.n >= 2)
    .sort((a, b) => b.n - a.n)
    .map((f) => ({ x: f.x, y: f.y, module: f.m, hits: f.n }));
}

/** Where a third finder pattern may be, given two, and the direction of the symbol's axes. */
export interface FinderGuess {
  readonly x: number;
  readonly y: number;
  readonly module: number;
  /** Angle (radians) of one symbol axis. */
  readonly angle: number;
}

/**
 * The places of the missing finder for every pair of the found ones with alike module sizes and
 * a plausible distance (QR versions 1–40: 14–170 modules between centres), none of which falls
 * near a finder already found or outside the frame. At most `max` guesses.
 */
export function guessMissingFinder(finders: readonly Finder[], w: number, h: number, max = 6): FinderGuess[] {
  const out: FinderGuess[] = [];
  const top = finders.slice(0, 4);
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i]!;
      const b = top[j]!;
      const m = (a.module + b.module) / 2;
      if (a.module / b.module > 1.4 || b.module / a.module > 1.4) continue;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.hypot(dx, dy);
      if (d < 10 * m || d > 240 * m) continue;
      const nx = -dy;
      const ny = dx;
      const angle = Math.atan2(dy, dx);
      // a, b on one side: the third beside either, on either side of the line.
      const side = [
        [a.x + nx, a.y + ny],
        [a.x - nx, a.y - ny],
        [b.x + nx, b.y + ny],
        [b.x - nx, b.y - ny],
      ].map(([x, y]) => ({ x: x!, y: y!, module: m, angle }));
      // a, b the diagonal: the third at the midpoint, half the diagonal off it.
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      const diagonal = [
        [mx + nx / 2, my + ny / 2],
        [mx - nx / 2, my - ny / 2],
      ].map(([x, y]) => ({ x: x!, y: y!, module: m, angle: angle + Math.PI / 4 }));
      for (const g of [...side, ...diagonal]) {
        const margin = 3.5 * m;
        if (g.x < margin || g.y < margin || g.x > w - margin || g.y > h - margin) continue;
        if (finders.some((f) => Math.hypot(f.x - g.x, f.y - g.y) < 7 * m)) continue;
        out.push(g);
      }
    }
  }
  return out.slice(0, max);
}

/**
 * A copy of `image` with a finder pattern (7×7 modules and its 1-module light separator) painted
 * at the guess, dark `dark` and light `light` grey levels, edges anti-aliased.
 */
export function paintFinder(image: GreyImage, g: FinderGuess, dark: number, light: number): GreyImage {
  const { width: w, height: h } = image;
  const out = new Uint8Array(image.data);
  const cos = Math.cos(g.angle);
  const sin = Math.sin(g.angle);
  const reach = Math.ceil(4.5 * g.module * Math.SQRT2) + 1;
  const x0 = Math.max(0, Math.floor(g.x - reach));
  const x1 = Math.min(w - 1, Math.ceil(g.x + reach));
  const y0 = Math.max(0, Math.floor(g.y - reach));
  const y1 = Math.min(h - 1, Math.ceil(g.y + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - g.x;
      const py = y + 0.5 - g.y;
      const u = (px * cos + py * sin) / g.module;
      const v = (-px * sin + py * cos) / g.module;
      const r = Math.max(Math.abs(u), Math.abs(v));
      if (r >= 4.5) continue;
      // Rings of the finder: 3×3 dark core, light ring, dark ring, light separator.
      const isDark = r < 1.5 || (r >= 2.5 && r < 3.5);
      out[y * w + x] = isDark ? dark : light;
    }
  }
  return { width: w, height: h, channels: 1, data: out };
}

/**
 * The frame with a finder painted at each place a covered one may be (see `guessMissingFinder`),
 * in the grey levels of the strongest finder found: its dark and light pixels' means. Empty when
 * fewer than two finders are found. `binary` is `grey` binarised (0 dark, 255 light).
 */
export function withMissingFinder(grey: GreyImage, binary: GreyImage, max = 6): GreyImage[] {
  const finders = findFinders(binary);
  if (finders.length < 2) return [];
  const guesses = guessMissingFinder(finders, grey.width, grey.height, max);
  if (guesses.length === 0) return [];
  const a = finders[0]!;
  const r = Math.ceil(4 * a.module);
  let darkSum = 0;
  let darkN = 0;
  let lightSum = 0;
  let lightN = 0;
  const { width: w, height: h } = grey;
  for (let y = Math.max(0, Math.round(a.y) - r); y < Math.min(h, Math.round(a.y) + r); y++) {
    for (let x = Math.max(0, Math.round(a.x) - r); x < Math.min(w, Math.round(a.x) + r); x++) {
      const v = grey.data[y * w + x]!;
      if (binary.data[y * w + x] === 0) {
        darkSum += v;
        darkN++;
      } else {
        lightSum += v;
        lightN++;
      }
    }
  }
  if (darkN === 0 || lightN === 0) return [];
  const dark = Math.round(darkSum / darkN);
  const light = Math.round(lightSum / lightN);
  return guesses.map((g) => paintFinder(grey, g, dark, light));
}
