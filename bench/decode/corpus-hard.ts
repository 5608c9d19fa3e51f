/**
 * The hard corpus (issue 16 §4): one category per class of degradation that real hand-held photos
 * of EHC codes show and the default corpus does not (or only mildly) — steep tilt, a curved
 * surface, motion and disc defocus blur, saturated specular spots, very low contrast in uneven
 * light, a finder pattern partly covered, a mirror image, inverted screen codes off-axis, a fold.
 * Same machinery as the default corpus (`planSample`: EHC texts, EC levels L/M/Q/H in turn, a
 * cluttered VGA frame, the camera's own defocus and noise), deterministic from the seed. The
 * parameter ranges were fixed before the decoder was measured on them, from what such photos look
 * like, not from what the decoder reads; they are not tuned to any one decoder.
 */
import type { GreyImage } from '../../firmware-sdk/decode/image.js';
import type { DegradeStep } from '../../firmware-sdk/render/degrade.js';
import type { Rng } from '../../firmware-sdk/render/prng.js';
import { camera, type Plan, planSample, type Sample, VGA } from './corpus.js';

export const HARD_CATEGORIES = [
  'steep-perspective',
  'cylinder',
  'motion-blur',
  'defocus',
  'specular-glare',
  'low-contrast',
  'finder-occluded',
  'mirrored',
  'inverted',
  'crease',
] as const;

export type HardCategory = (typeof HARD_CATEGORIES)[number];

const rotation = (rng: Rng, max: number): DegradeStep => ({
  kind: 'rotation',
  params: { degrees: rng.range(-max, max) },
});

/**
 * A thumb or sticker over one of the three finder patterns, coming in from the symbol's outer
 * corner: its box is 1–1.5 finder widths a side, its centre between 0.15 and 0.5 finder widths
 * inside the finder from that corner, so that roughly a quarter to two thirds of the finder (and
 * a few data or timing modules beyond it) is hidden.
 */
function finderOcclusion(canvas: GreyImage, moduleSize: number, quietZone: number, rng: Rng): DegradeStep {
  const size = Math.floor(canvas.width / moduleSize + 1e-9) - 2 * quietZone;
  const f = 7 * moduleSize;
  const near = quietZone * moduleSize;
  const far = (quietZone + size) * moduleSize;
  const which = rng.int(0, 2); // top-left, top-right, bottom-left
  const cornerX = which === 1 ? far : near;
  const cornerY = which === 2 ? far : near;
  const dirX = which === 1 ? -1 : 1;
  const dirY = which === 2 ? -1 : 1;
  const inset = f * rng.range(0.15, 0.5);
  const cx = cornerX + dirX * inset;
  const cy = cornerY + dirY * inset;
  const w = f * rng.range(1, 1.5);
  const h = f * rng.range(1, 1.5);
  const thumb = rng.next() < 0.6;
  return {
    kind: 'occlude',
    params: {
      x: cx - w / 2,
      y: cy - h / 2,
      width: w,
      height: h,
      shape: thumb ? 'ellipse' : 'rect',
      level: thumb ? rng.int(90, 200) : rng.int(20, 250),
    },
  };
}

function hardPlan(category: HardCategory, rng: Rng): Plan {
  const base = { quietZone: rng.int(4, 8), frame: VGA };
  switch (category) {
    case 'steep-perspective':
      return {
        ...base,
        moduleSize: rng.range(4, 7),
        code: [{ kind: 'tilt', params: { degrees: rng.range(45, 65), distance: rng.range(1, 2.5) } }],
        scene: camera(rng),
      };
    case 'cylinder':
      return {
        ...base,
        moduleSize: rng.range(3.5, 6),
        code: [
          {
            kind: 'cylinder',
            params: {
              arc: rng.range(80, 150),
              vertical: rng.next() < 0.75,
              distance: rng.range(2, 6),
              shade: rng.range(0.2, 0.5),
            },
          },
          rotation(rng, 8),
        ],
        scene: camera(rng),
      };
    case 'motion-blur': {
      const m = rng.range(3.5, 6);
      return {
        ...base,
        moduleSize: m,
        code: [],
        scene: [{ kind: 'motion', params: { length: m * rng.range(0.6, 1.4) } }, ...camera(rng, 0.6, 3)],
      };
    }
    case 'defocus': {
      const m = rng.range(3.5, 6);
      return {
        ...base,
        moduleSize: m,
        code: [],
        scene: [
          { kind: 'defocus', params: { radius: m * rng.range(0.5, 1) } },
          { kind: 'noise', params: { sigma: rng.range(1, 3) } },
        ],
      };
    }
    case 'specular-glare': {
      const m = rng.range(3, 6);
      const radiusFraction = rng.range(0.08, 0.2);
      const glare = {
        strength: rng.range(0.6, 1),
        core: rng.range(0.3, 0.7),
        spots: rng.int(1, 3),
        x: rng.range(0.3, 0.7),
        y: rng.range(0.3, 0.7),
      };
      return {
        ...base,
        moduleSize: m,
        code: (canvas) => [{ kind: 'glare', params: { ...glare, radius: canvas.width * radiusFraction } }],
        scene: [{ kind: 'lighting', params: { strength: rng.range(0.2, 0.5) } }, ...camera(rng)],
      };
    }
    case 'low-contrast': {
      const span = rng.range(6, 20);
      const low = rng.range(10, 235 - span);
      return {
        ...base,
        moduleSize: rng.range(3, 6),
        code: [],
        scene: [
          { kind: 'contrast', params: { low, high: low + span } },
          { kind: 'lighting', params: { strength: rng.range(0.2, 0.5) } },
          ...camera(rng, 0.9, 2),
        ],
      };
    }
    case 'finder-occluded': {
      const moduleSize = rng.range(3.5, 6);
      return {
        ...base,
        moduleSize,
        code: (canvas) => [finderOcclusion(canvas, moduleSize, base.quietZone, rng), rotation(rng, 10)],
        scene: camera(rng),
      };
    }
    case 'mirrored':
      return {
        ...base,
        quietZone: 10,
        moduleSize: rng.range(3, 5),
        code: [
          { kind: 'mirror', params: {} },
          { kind: 'rotation', params: { degrees: rng.range(0, 360) } },
        ],
        scene: camera(rng),
      };
    case 'inverted':
      return {
        ...base,
        moduleSize: rng.range(3.5, 5.5),
        code: [
          { kind: 'invert', params: {} },
          { kind: 'contrast', params: { low: rng.range(15, 60), high: rng.range(150, 230) } },
          { kind: 'tilt', params: { degrees: rng.range(0, 35) } },
          rotation(rng, 20),
        ],
        scene: camera(rng, 1.2, 6),
      };
    case 'crease': {
      const m = rng.range(3.5, 6);
      const folds = rng.int(1, 2);
      const steps: DegradeStep[] = [];
      for (let i = 0; i < folds; i++) {
        steps.push({
          kind: 'crease',
          params: {
            step: (rng.next() < 0.5 ? -1 : 1) * rng.range(0.15, 0.45),
            shift: m * rng.range(0.3, 1),
            width: rng.range(1, 3),
            offset: rng.range(-0.3, 0.3),
          },
        });
      }
      return { ...base, moduleSize: m, code: [...steps, rotation(rng, 10)], scene: camera(rng) };
    }
  }
}

/** Sample `index` of a hard category (independent of every other sample). */
export function makeHardSample(category: HardCategory, index: number, seed: number): Sample {
  return planSample(category, index, seed, hardPlan);
}

/** `perCategory` samples of each hard category, generated lazily in a fixed order. */
export function* hardCorpus(
  perCategory: number,
  seed: number,
  categories: readonly HardCategory[] = HARD_CATEGORIES,
): Generator<Sample> {
  for (const category of categories) {
    for (let i = 0; i < perCategory; i++) yield makeHardSample(category, i, seed);
  }
}
