import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../image.js';
import { unwrapCylinder, usableQuad } from './unwrap.js';

// A horizontal ramp (value = x): after unwrapping, pixel x shows the source at cx + R·sin((x−cx)/R).
const w = 200;
const h = 20;
const ramp: GreyImage = { width: w, height: h, channels: 1, data: new Uint8Array(w * h) };
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ramp.data[y * w + x] = x;
const quad = {
  topLeft: { x: 50, y: 0 },
  topRight: { x: 150, y: 0 },
  bottomRight: { x: 150, y: 20 },
  bottomLeft: { x: 50, y: 20 },
};

describe('unwrapCylinder', () => {
  it('stretches the rims back by the arc sine of the assumed cylinder', () => {
    const out = unwrapCylinder(ramp, quad, true, 120);
    const r = 50 / Math.sin(Math.PI / 3);
    for (const x of [100, 120, 140, 160]) {
      const want = 100 + r * Math.sin((x + 0.5 - 100) / r) - 0.5;
      expect(Math.abs(out.data[10 * w + x]! - want)).toBeLessThanOrEqual(1);
    }
    // Beyond the visible half of the cylinder: light.
    expect(out.data[10 * w + 199]).toBe(255);
  });

  it('leaves the other axis alone and refuses degenerate quads', () => {
    const out = unwrapCylinder(ramp, quad, false, 120);
    expect(out.data[10 * w + 130]).toBe(130);
    const zero = { x: 0, y: 0 };
    expect(usableQuad({ topLeft: zero, topRight: zero, bottomRight: zero, bottomLeft: zero })).toBe(false);
    expect(usableQuad(quad)).toBe(true);
  });
});

describe('unwrapCylinder from near', () => {
  it('also shrinks the rims along the axis, by the nearer centre line', () => {
    // A vertical ramp (value = y): at the rim, rows come from nearer the centre row.
    const v: GreyImage = { width: w, height: 100, channels: 1, data: new Uint8Array(w * 100) };
    for (let y = 0; y < 100; y++) for (let x = 0; x < w; x++) v.data[y * w + x] = y;
    const q = { ...quad, bottomRight: { x: 150, y: 100 }, bottomLeft: { x: 50, y: 100 } };
    const far = unwrapCylinder(v, q, true, 120);
    const near = unwrapCylinder(v, q, true, 120, 2);
    expect(far.data[90 * w + 150]).toBe(90);
    expect(near.data[90 * w + 100]).toBe(90);
    expect(near.data[90 * w + 150]!).toBeLessThan(88);
  });
});
