/**
 * The deterministic synthetic corpus: per category, codes rendered at EC levels L/M/Q/H with EHC
 * payloads, placed in a camera frame over clutter, then degraded. Everything derives from one
 * seed, so a corpus is reproduced exactly by (seed, per-category count).
 */
import type { GreyImage } from '../../firmware-sdk/decode/image.js';
import { toGrey } from '../../firmware-sdk/decode/image.js';
import { type DegradeStep, degradeAll } from '../../firmware-sdk/render/degrade.js';
import { createRng, deriveSeed, type Rng } from '../../firmware-sdk/render/prng.js';
import { type EcLevel, renderQr } from '../../firmware-sdk/render/render.js';
import { ehcPayload } from './payloads.js';

export const CATEGORIES = [
  'nominal',
  'rotation',
  'perspective',
  'blur',
  'noise',
  'low-contrast',
  'uneven-lighting',
  'small-modules',
  'large-frame',
  'inverted',
  'screen-moire',
] as const;

export type Category = (typeof CATEGORIES)[number];

export const EC_LEVELS: readonly EcLevel[] = ['L', 'M', 'Q', 'H'];

/** One benchmark case: an image and the text it must decode to. */
export interface Sample {
  readonly id: string;
  readonly category: string;
  readonly expected: string;
  readonly ecLevel?: EcLevel;
  /** Rendered pixels per module, before any scaling by the degradations. */
  readonly moduleSize?: number;
  readonly image: GreyImage;
  /** How the image was made (for the report and for reproducing a failure). */
  readonly recipe?: readonly DegradeStep[];
}

export interface Plan {
  readonly moduleSize: number;
  readonly quietZone: number;
  readonly frame: { readonly width: number; readonly height: number };
  /**
   * Steps on the code canvas (before framing), or a function of the rendered canvas giving them
   * (for steps aimed at a part of the symbol, such as one finder pattern); then steps on the
   * whole frame (after framing).
   */
  readonly code: DegradeStep[] | ((canvas: GreyImage) => DegradeStep[]);
  readonly scene: DegradeStep[];
}

export const VGA = { width: 640, height: 480 } as const;

/** The camera every photo goes through: slight defocus and sensor noise. */
export function camera(rng: Rng, blurMax = 1, noiseMax = 4): DegradeStep[] {
  return [
    { kind: 'blur', params: { sigma: rng.range(0.4, blurMax) } },
    { kind: 'noise', params: { sigma: rng.range(1, noiseMax) } },
  ];
}

function plan(category: Category, rng: Rng): Plan {
  const base = { quietZone: rng.int(4, 8), frame: VGA };
  switch (category) {
    case 'nominal':
      return {
        ...base,
        moduleSize: rng.range(3, 6),
        code: [{ kind: 'rotation', params: { degrees: rng.range(-6, 6) } }],
        scene: camera(rng),
      };
    case 'rotation':
      return {
        ...base,
        quietZone: 14,
        moduleSize: rng.range(2.6, 4.5),
        code: [{ kind: 'rotation', params: { degrees: rng.range(0, 360) } }],
        scene: camera(rng, 1.1),
      };
    case 'perspective':
      return {
        ...base,
        moduleSize: rng.range(3.5, 6),
        code: [{ kind: 'perspective', params: { strength: rng.range(0.2, 0.45) } }],
        scene: camera(rng),
      };
    case 'blur': {
      const m = rng.range(3, 5);
      return {
        ...base,
        moduleSize: m,
        code: [],
        scene: [
          { kind: 'blur', params: { sigma: m * rng.range(0.35, 0.75) } },
          { kind: 'noise', params: { sigma: rng.range(1, 3) } },
        ],
      };
    }
    case 'noise':
      return {
        ...base,
        moduleSize: rng.range(3, 5),
        code: [],
        scene: [
          { kind: 'blur', params: { sigma: rng.range(0.4, 0.9) } },
          { kind: 'noise', params: { sigma: rng.range(25, 70), saltPepper: rng.range(0, 0.06) } },
        ],
      };
    case 'low-contrast': {
      const span = rng.range(6, 28);
      const low = rng.range(10, 235 - span);
      return {
        ...base,
        moduleSize: rng.range(3, 6),
        code: [],
        scene: [
          ...camera(rng, 0.9, 1),
          { kind: 'contrast', params: { low, high: low + span } },
          { kind: 'noise', params: { sigma: rng.range(0.5, 2) } },
        ],
      };
    }
    case 'uneven-lighting':
      return {
        ...base,
        moduleSize: rng.range(3, 6),
        code: [],
        scene: [
          { kind: 'lighting', params: { strength: rng.range(0.5, 0.95) } },
          {
            kind: 'glare',
            params: {
              strength: rng.range(0.5, 1),
              radius: rng.range(25, 90),
              x: rng.range(0.3, 0.7),
              y: rng.range(0.3, 0.7),
            },
          },
          ...camera(rng),
        ],
      };
    case 'small-modules':
      return {
        ...base,
        moduleSize: rng.range(1.8, 3),
        code: [{ kind: 'rotation', params: { degrees: rng.range(-10, 10) } }],
        scene: camera(rng, 0.8, 3),
      };
    case 'large-frame':
      return {
        ...base,
        moduleSize: rng.range(2, 4),
        frame: { width: 1920, height: 1080 },
        code: [{ kind: 'rotation', params: { degrees: rng.range(-10, 10) } }],
        scene: camera(rng, 0.9),
      };
    case 'inverted':
      return {
        ...base,
        moduleSize: rng.range(3, 5),
        code: [
          { kind: 'invert', params: {} },
          { kind: 'rotation', params: { degrees: rng.range(-8, 8) } },
        ],
        scene: camera(rng, 1.2, 6),
      };
    case 'screen-moire':
      return {
        ...base,
        moduleSize: rng.range(3, 6),
        code: [],
        scene: [
          { kind: 'moire', params: { period: rng.range(5, 24), amplitude: rng.range(0.15, 0.5) } },
          ...camera(rng, 1.2),
        ],
      };
  }
}

/** Builds sample `index` of `category` (independent of every other sample). */
export function makeSample(category: Category, index: number, seed: number): Sample {
  return planSample(category, index, seed, plan);
}

/**
 * Sample `index` of a category from its plan: an EHC text at EC level L/M/Q/H by index, rendered,
 * degraded on its canvas, framed, degraded as a scene; everything from `(seed, category, index)`.
 */
export function planSample<C extends string>(
  category: C,
  index: number,
  seed: number,
  planOf: (category: C, rng: Rng) => Plan,
): Sample {
  const s = deriveSeed(seed, `${category}/${index}`);
  const rng = createRng(s);
  const ecLevel = EC_LEVELS[index % EC_LEVELS.length]!;
  const expected = ehcPayload(rng);
  const p = planOf(category, rng);
  const code = renderQr(expected, { ecLevel, moduleSize: p.moduleSize, quietZone: p.quietZone });
  const onCode = typeof p.code === 'function' ? p.code(toGrey(code)) : p.code;
  const recipe: DegradeStep[] = [...onCode, { kind: 'frame', params: p.frame }, ...p.scene];
  const image = toGrey(degradeAll(code, recipe, s));
  return { id: `${category}/${index}`, category, expected, ecLevel, moduleSize: p.moduleSize, image, recipe };
}

/** `perCategory` samples of each category, generated lazily in a fixed order. */
export function* syntheticCorpus(
  perCategory: number,
  seed: number,
  categories: readonly Category[] = CATEGORIES,
): Generator<Sample> {
  for (const category of categories) {
    for (let i = 0; i < perCategory; i++) yield makeSample(category, i, seed);
  }
}
