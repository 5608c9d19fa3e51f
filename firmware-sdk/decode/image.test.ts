import { describe, expect, it } from 'vitest';
import { createGrey, imageProblem, toGrey, toRgba } from './image.js';

describe('Image', () => {
  it('accepts well-formed grey and RGBA images', () => {
    expect(imageProblem(createGrey(3, 2))).toBeUndefined();
    expect(
      imageProblem({ width: 2, height: 1, channels: 4, data: new Uint8ClampedArray(8) }),
    ).toBeUndefined();
  });

  it('names what is wrong with a malformed image', () => {
    expect(imageProblem(undefined)).toMatch(/not an image/);
    expect(imageProblem({ width: 1.5, height: 1, channels: 1, data: new Uint8Array(1) })).toMatch(/integers/);
    expect(imageProblem({ width: 20_000, height: 1, channels: 1, data: new Uint8Array(1) })).toMatch(
      /outside/,
    );
    expect(imageProblem({ width: 1, height: 1, channels: 2, data: new Uint8Array(2) })).toMatch(/channels/);
    expect(imageProblem({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toMatch(/expected 4/);
  });

  it('converts RGBA to grey with BT.601 weights and alpha over white', () => {
    const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128]);
    const grey = toGrey({ width: 4, height: 1, channels: 4, data: rgba });
    expect([...grey.data]).toEqual([76, 150, 255, 127]);
  });

  it('round-trips grey through RGBA', () => {
    const g = createGrey(3, 1);
    g.data.set([0, 100, 255]);
    const rgba = toRgba(g);
    expect(Array.from(rgba.data)).toEqual([0, 0, 0, 255, 100, 100, 100, 255, 255, 255, 255, 255]);
    expect([...toGrey(rgba).data]).toEqual([0, 100, 255]);
  });

  it('views a grey Uint8ClampedArray without copying', () => {
    const buf = new Uint8ClampedArray(8);
    const sub = buf.subarray(2, 6);
    const g = toGrey({ width: 2, height: 2, channels: 1, data: sub });
    g.data[0] = 9;
    expect(buf[2]).toBe(9);
  });
});
