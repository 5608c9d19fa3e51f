import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../image.js';
import { boxBlur, gaussianBlur, unsharpBox } from './filter.js';
import { percentiles, stretch } from './levels.js';
import { downscale, resizeBilinear } from './resize.js';
import { adaptiveThreshold } from './threshold.js';

const arbImage = (maxSide = 24): fc.Arbitrary<GreyImage> =>
  fc
    .record({ width: fc.integer({ min: 1, max: maxSide }), height: fc.integer({ min: 1, max: maxSide }) })
    .chain(({ width, height }) =>
      fc.uint8Array({ minLength: width * height, maxLength: width * height }).map((data) => ({
        width,
        height,
        channels: 1 as const,
        data,
      })),
    );

/** Reference box mean with clamped edges, computed the slow, obvious way. */
function naiveBox(img: GreyImage, r: number): number[] {
  const { width: w, height: h, data } = img;
  const at = (x: number, y: number) =>
    data[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const horizontal: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += at(x + k, y);
      horizontal.push(Math.round(s / (2 * r + 1)));
    }
  }
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += horizontal[Math.min(h - 1, Math.max(0, y + k)) * w + x]!;
      out.push(Math.round(s / (2 * r + 1)));
    }
  }
  return out;
}

describe('image operations', () => {
  it('boxBlur matches the naive clamped-edge mean within one grey level', () => {
    fc.assert(
      fc.property(arbImage(), fc.integer({ min: 0, max: 30 }), (img, r) => {
        const got = boxBlur(img, r).data;
        const want = naiveBox(img, r);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('blurs keep a flat image flat and sizes unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 255 }),
        (w, h, v) => {
          const flat: GreyImage = { width: w, height: h, channels: 1, data: new Uint8Array(w * h).fill(v) };
          for (const out of [boxBlur(flat, 3), gaussianBlur(flat, 2), unsharpBox(flat, 2, 2)]) {
            expect(out.width).toBe(w);
            expect([...new Set(out.data)]).toEqual([v]);
          }
        },
      ),
    );
  });

  it('downscale averages each block', () => {
    const img: GreyImage = {
      width: 4,
      height: 2,
      channels: 1,
      data: Uint8Array.from([0, 10, 100, 200, 20, 30, 100, 0]),
    };
    expect(downscale(img, 2)).toMatchObject({ width: 2, height: 1, data: Uint8Array.from([15, 100]) });
  });

  it('resizeBilinear keeps corners and interpolates between them', () => {
    const img: GreyImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 200]) };
    const out = resizeBilinear(img, 4, 1);
    expect([...out.data]).toEqual([0, 50, 150, 200]);
    fc.assert(
      fc.property(
        arbImage(12),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (im, w, h) => {
          const r = resizeBilinear(im, w, h);
          const lo = Math.min(...im.data);
          const hi = Math.max(...im.data);
          expect(r.data.length).toBe(w * h);
          for (const v of r.data) expect(v >= lo && v <= hi).toBe(true);
        },
      ),
    );
  });

  it('stretch maps the 1st..99th percentiles to full range and leaves full-range images alone', () => {
    const data = new Uint8Array(1000);
    for (let i = 0; i < data.length; i++) data[i] = 100 + (i % 21);
    const low: GreyImage = { width: 100, height: 10, channels: 1, data };
    const out = stretch(low);
    expect(percentiles(out, [0.01, 0.99])).toEqual([0, 255]);
    const full: GreyImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 255]) };
    expect(stretch(full)).toBe(full);
  });

  it('adaptiveThreshold outputs only 0 and 255 and separates a dark square from a gradient', () => {
    const w = 60;
    const data = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data[y * w + x] = 80 + 2 * x;
    for (let y = 20; y < 30; y++) for (let x = 20; x < 30; x++) data[y * w + x] = data[y * w + x]! - 60;
    const out = adaptiveThreshold({ width: w, height: w, channels: 1, data }, 8).data;
    expect(new Set(out)).toEqual(new Set([0, 255]));
    expect(out[25 * w + 25]).toBe(0);
    expect(out[5 * w + 50]).toBe(255);
  });
});
