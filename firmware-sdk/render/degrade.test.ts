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
];

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
    for (const kind of ['noise', 'perspective', 'frame', 'glare', 'lighting', 'moire'] as const) {
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
});
