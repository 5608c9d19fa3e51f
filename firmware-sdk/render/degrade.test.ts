import { describe, expect, it } from 'vitest';
import type { Image } from '../decode/image.js';
import { DEGRADE_KINDS, type DegradeStep, degrade, degradeAll } from './degrade.js';
import { isRenderError } from './errors.js';
import { renderQr } from './render.js';

const code = renderQr('3E3CD944076BBF60BD028DC26954B22B:0:07EDF114B1651BA63D112011E74C1EC3', {
  moduleSize: 3,
});

/** One representative step per kind; random parts left to the seed. */
const STEPS: DegradeStep[] = [
  { kind: 'rotation', params: { degrees: 33 } },
  { kind: 'perspective', params: { strength: 0.3 } },
  { kind: 'blur', params: { sigma: 1.5 } },
  { kind: 'noise', params: { sigma: 20, saltPepper: 0.02 } },
  { kind: 'contrast', params: { low: 100, high: 140 } },
  { kind: 'lighting', params: { strength: 0.7 } },
  { kind: 'glare', params: { strength: 0.9, radius: 30 } },
  { kind: 'scale', params: { factor: 0.6 } },
  { kind: 'frame', params: { width: 400, height: 300 } },
  { kind: 'invert', params: {} },
  { kind: 'moire', params: { period: 9, amplitude: 0.4 } },
  { kind: 'jpeg', params: { quality: 30 } },
  { kind: 'tilt', params: { degrees: 60 } },
  { kind: 'cylinder', params: { arc: 120 } },
  { kind: 'motion', params: { length: 6 } },
  { kind: 'defocus', params: { radius: 2.5 } },
  { kind: 'occlude', params: { x: 10, y: 10, width: 30, height: 20 } },
  { kind: 'mirror', params: {} },
  { kind: 'crease', params: { step: 0.3, shift: 3 } },
];

const grey = (w: number, h: number, f: (x: number, y: number) => number): Image => {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return { width: w, height: h, channels: 1, data };
};
const at = (img: Image, x: number, y: number): number => img.data[y * img.width + x]!;

const apply = (img: Image, s: DegradeStep, seed: number): Image =>
  degrade(img, s.kind, s.params as never, seed);

describe('degrade', () => {
  it('covers every kind', () => {
    expect(STEPS.map((s) => s.kind).sort()).toEqual([...DEGRADE_KINDS].sort());
  });

  it.each(STEPS.map((s) => [s.kind, s] as const))(
    '%s is deterministic for a seed and changes the image',
    (_, step) => {
      const a = apply(code, step, 42);
      const b = apply(code, step, 42);
      expect(b.data).toEqual(a.data);
      expect(a.data).not.toEqual(code.data);
    },
  );

  it('draws the random parts from the seed', () => {
    for (const kind of [
      'noise',
      'perspective',
      'frame',
      'glare',
      'lighting',
      'moire',
      'tilt',
      'motion',
      'occlude',
      'crease',
    ] as const) {
      const step = STEPS.find((s) => s.kind === kind)!;
      expect(apply(code, step, 1).data).not.toEqual(apply(code, step, 2).data);
    }
  });

  it('keeps the channel count of its input', () => {
    const rgba = renderQr('EHC', { channels: 4, moduleSize: 3 });
    const out = degrade(rgba, 'blur', { sigma: 1 }, 0);
    expect(out.channels).toBe(4);
    expect(out.data.length).toBe(out.width * out.height * 4);
  });

  it('chains steps reproducibly with degradeAll', () => {
    const a = degradeAll(code, STEPS, 9);
    expect(degradeAll(code, STEPS, 9).data).toEqual(a.data);
    expect(degradeAll(code, STEPS, 10).data).not.toEqual(a.data);
  });

  it('rejects bad parameters and images with RenderError', () => {
    const bad: DegradeStep[] = [
      { kind: 'perspective', params: { strength: 0.9 } },
      { kind: 'blur', params: { sigma: -1 } },
      { kind: 'frame', params: { width: 10.5, height: 10 } },
      { kind: 'jpeg', params: { quality: 0 } },
      { kind: 'scale', params: { factor: 0 } },
      { kind: 'tilt', params: { degrees: 85 } },
      { kind: 'cylinder', params: { arc: 200 } },
      { kind: 'motion', params: { length: -1 } },
      { kind: 'defocus', params: { radius: 31 } },
      { kind: 'occlude', params: { x: 0, y: 0, width: 0, height: 5 } },
      { kind: 'crease', params: { step: 2, shift: 1 } },
      { kind: 'glare', params: { strength: 0.5, radius: 10, core: 0.95 } },
      { kind: 'glare', params: { strength: 0.5, radius: 10, spots: 6 } },
    ];
    for (const s of bad) {
      let caught: unknown;
      try {
        apply(code, s, 0);
      } catch (e) {
        caught = e;
      }
      expect(isRenderError(caught) && caught.code).toBe('RENDER_OPTIONS');
    }
    expect(() =>
      degrade({ width: 2, height: 2, channels: 1, data: new Uint8Array(1) }, 'invert', {}),
    ).toThrow(expect.objectContaining({ code: 'RENDER_IMAGE' }));
  });

  it('keeps the soft glare spot unchanged when neither core nor spots is given', () => {
    const img = grey(40, 40, () => 100);
    const soft = degrade(img, 'glare', { strength: 0.5, radius: 6, x: 0.5, y: 0.5 }, 3);
    expect(at(soft, 20, 20)).toBeLessThan(255);
    const hard = degrade(img, 'glare', { strength: 0.8, radius: 6, x: 0.5, y: 0.5, core: 0.6 }, 3);
    expect(at(hard, 20, 20)).toBe(255);
    expect(at(hard, 0, 0)).toBe(100);
    const many = degrade(img, 'glare', { strength: 0.8, radius: 4, x: 0.5, y: 0.5, core: 0.6, spots: 3 }, 3);
    expect(many.data.filter((v) => v === 255).length).toBeGreaterThan(
      hard.data.filter((v) => v === 255).length / 4,
    );
  });

  it('mirror flips left-right (and top-bottom), twice is the identity', () => {
    const img = grey(5, 3, (x, y) => x * 10 + y);
    const m = degrade(img, 'mirror', {});
    expect(at(m, 0, 1)).toBe(at(img, 4, 1));
    expect(degrade(m, 'mirror', {}).data).toEqual(img.data);
    expect(at(degrade(img, 'mirror', { horizontal: false }), 2, 0)).toBe(at(img, 2, 2));
  });

  it('motion blur smears along its angle only; defocus keeps a flat image flat', () => {
    // Horizontal stripes survive a horizontal smear and are washed out by a vertical one.
    const stripes = grey(40, 40, (_, y) => (Math.floor(y / 4) % 2 === 0 ? 0 : 255));
    const along = degrade(stripes, 'motion', { length: 8, angle: 0 });
    const across = degrade(stripes, 'motion', { length: 8, angle: Math.PI / 2 });
    expect(at(along, 20, 1)).toBe(0);
    expect(Math.abs(at(across, 20, 21) - 128)).toBeLessThan(40);
    const flat = grey(20, 20, () => 77);
    expect([...new Set(degrade(flat, 'defocus', { radius: 3 }).data)]).toEqual([77]);
    const dot = grey(21, 21, (x, y) => (x === 10 && y === 10 ? 255 : 0));
    const disc = degrade(dot, 'defocus', { radius: 3 });
    // A disc: the same weight at the centre and 2 px out, nothing 5 px out.
    expect(at(disc, 12, 10)).toBe(at(disc, 10, 10));
    expect(at(disc, 15, 10)).toBe(0);
  });

  it('occlude covers its box with the level and leaves the rest', () => {
    const img = grey(40, 40, () => 255);
    const rect = degrade(img, 'occlude', { x: 10, y: 10, width: 10, height: 10, shape: 'rect', level: 50 });
    expect(at(rect, 15, 15)).toBe(50);
    expect(at(rect, 30, 30)).toBe(255);
    const thumb = degrade(img, 'occlude', { x: 10, y: 10, width: 20, height: 10, level: 50 });
    expect(at(thumb, 20, 15)).toBe(50);
    expect(at(thumb, 10, 10)).toBe(255);
  });

  it('crease darkens one side by its step and displaces it', () => {
    const img = grey(40, 40, () => 200);
    const c = degrade(img, 'crease', { step: 0.5, shift: 2, angle: 0, offset: 0, width: 2 });
    expect(at(c, 5, 2)).toBe(200);
    expect(at(c, 5, 37)).toBe(100);
  });

  it('tilt and cylinder keep the canvas and shrink the code towards a far edge or the rims', () => {
    const bars = grey(120, 60, (x) => (Math.floor(x / 6) % 2 === 0 ? 0 : 255));
    const cyl = degrade(bars, 'cylinder', { arc: 150, fill: 128 });
    expect([cyl.width, cyl.height]).toEqual([120, 60]);
    // Seen from the front the code narrows (fill beyond the rims) and bars are narrower at the
    // rims than at the centre line.
    expect(at(cyl, 0, 30)).toBe(128);
    const edges: number[] = [];
    for (let x = 1; x < 120; x++) {
      const [a, b] = [at(cyl, x - 1, 30), at(cyl, x, 30)];
      if (a < 128 !== b < 128) edges.push(x);
    }
    const gaps = edges.slice(1).map((x, i) => x - edges[i]!);
    expect(gaps[1]!).toBeLessThan(gaps[Math.floor(gaps.length / 2)]!);
    const t = degrade(bars, 'tilt', { degrees: 70, axis: 0, fill: 128 });
    expect([t.width, t.height]).toEqual([120, 60]);
    expect(t.data).not.toEqual(bars.data);
  });
});
