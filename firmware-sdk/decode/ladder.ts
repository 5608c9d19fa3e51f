/**
 * The retry ladder: attempts ordered by cost, each a preprocessing of the grey frame plus one
 * zxing-cpp pass. `decode` runs them in order and stops at the first read or when the time budget
 * is spent, so a clean frame costs one cheap pass and only hard frames pay for the rest.
 * What each step buys, measured on the benchmark corpus, is in README.md.
 */
import type { ZXingReaderModule } from 'zxing-wasm/reader';
import { type EnginePass, locateGrey } from './engine.js';
import type { GreyImage } from './image.js';
import { boxBlur, unsharpBox } from './ops/filter.js';
import { withMissingFinder } from './ops/finders.js';
import { stretch } from './ops/levels.js';
import { downscale, resizeBilinear } from './ops/resize.js';
import { adaptiveThreshold } from './ops/threshold.js';
import { type Quad, unwrapCylinder, usableQuad } from './ops/unwrap.js';

/**
 * Caches intermediate images shared by several attempts (the half- and double-size frames), and
 * where the engine located a symbol it could not decode.
 */
export class Workspace {
  readonly grey: GreyImage;
  readonly #engine: ZXingReaderModule | undefined;
  #half: GreyImage | undefined;
  #double: GreyImage | undefined;
  #located: { quad: Quad | undefined } | undefined;

  constructor(grey: GreyImage, engine?: ZXingReaderModule) {
    this.grey = grey;
    this.#engine = engine;
  }

  /**
   * The quad of a symbol found but not decoded in the frame, or else in the frame sharpened as by
   * the `sharpen` step (one or two extra passes; none without an engine).
   */
  get located(): Quad | undefined {
    if (this.#located === undefined) {
      const engine = this.#engine;
      const at = (image: GreyImage): Quad | undefined => {
        const quad = engine === undefined ? undefined : locateGrey(engine, image, THOROUGH);
        return quad !== undefined && usableQuad(quad) ? quad : undefined;
      };
      this.#located = {
        quad: at(this.grey) ?? (engine === undefined ? undefined : at(unsharpBox(this.grey, 2, 1.5))),
      };
    }
    return this.#located.quad;
  }

  /** The frame at half size by 2×2 area averaging. */
  get half(): GreyImage {
    this.#half ??= downscale(this.grey, 2);
    return this.#half;
  }

  /** The frame at double size, bilinear. */
  get double(): GreyImage {
    this.#double ??= resizeBilinear(this.grey, this.grey.width * 2, this.grey.height * 2);
    return this.#double;
  }
}

/** An image to read and its scale (prepared px per input px) to map positions back. */
export interface Prepared {
  readonly image: GreyImage;
  readonly scale: number;
}

export interface Attempt {
  readonly name: string;
  /** Whether the attempt applies to a frame of this size. */
  readonly applies: (w: number, h: number) => boolean;
  /**
   * The image to read, or several (hypotheses, read in order until one reads, produced lazily
   * when an iterator; possibly none, when the attempt finds nothing to try on this frame).
   */
  readonly prepare: (ws: Workspace) => Prepared | Iterable<Prepared>;
  readonly pass: EnginePass;
}

/** The images an attempt prepared, one by one. */
export function preparedImages(p: Prepared | Iterable<Prepared>): Iterable<Prepared> {
  return 'image' in p ? [p as Prepared] : (p as Iterable<Prepared>);
}

/**
 * The cylinders tried, across either of the symbol's axes: the arc (degrees of circumference) the
 * symbol spans and the camera's distance in radii (seen from afar, or from 4 radii: a 3.5 cm
 * bottle at 14 cm, where the rims also look shorter along the axis).
 */
const CYLINDERS = [
  { arc: 100, distance: Number.POSITIVE_INFINITY },
  { arc: 100, distance: 4 },
  { arc: 130, distance: Number.POSITIVE_INFINITY },
] as const;

function* unwrapped(ws: Workspace): Generator<Prepared> {
  const quad = ws.located;
  if (quad === undefined) return;
  for (const across of [true, false]) {
    for (const c of CYLINDERS) {
      yield { image: unwrapCylinder(ws.grey, quad, across, c.arc, c.distance), scale: 1 };
    }
  }
}

/** zxing-cpp's thorough mode, QR only: local-average binariser, inverted and downscaled retries. */
const THOROUGH: EnginePass = {
  tryHarder: true,
  tryInvert: true,
  tryDownscale: true,
  binarizer: 'LocalAverage',
};
/** For images we binarised ourselves: threshold at 127 on our 0/255 output. */
const PREBINARISED: EnginePass = { ...THOROUGH, binarizer: 'FixedThreshold' };

const always = (): boolean => true;
/** Halving needs the code to keep ≥ ~1.5 px modules: skip frames already small. */
const halvable = (w: number, h: number): boolean => Math.min(w, h) >= 200;
/** Doubling is for small frames only (a 2× 1080p frame costs more than the whole budget). */
const doublable = (w: number, h: number): boolean => w * h <= 640 * 480;

export const LADDER: readonly Attempt[] = [
  { name: 'zxing', applies: always, prepare: (ws) => ({ image: ws.grey, scale: 1 }), pass: THOROUGH },
  {
    // Averaging 2×2 cancels sensor noise and screen moiré; stretching restores low contrast.
    name: 'half-stretch',
    applies: halvable,
    prepare: (ws) => ({ image: stretch(ws.half), scale: 0.5 }),
    pass: THOROUGH,
  },
  {
    // Cheap deblur: unsharp mask on the half-size frame (radius 2 there ≈ 4 px at full size).
    name: 'half-sharpen',
    applies: halvable,
    prepare: (ws) => ({ image: unsharpBox(ws.half, 2, 2), scale: 0.5 }),
    pass: THOROUGH,
  },
  {
    // Heavy noise: smooth 3×3, then threshold against a 17×17 local mean (module-sized window).
    name: 'smooth-adaptive',
    applies: always,
    prepare: (ws) => ({ image: adaptiveThreshold(boxBlur(ws.grey, 1), 8), scale: 1 }),
    pass: PREBINARISED,
  },
  {
    // Full-resolution deblur, for defocus on modules too small to survive halving. (A stronger
    // radius-3 mask read nothing this one and the half-size masks did not.)
    name: 'sharpen',
    applies: always,
    prepare: (ws) => ({ image: unsharpBox(ws.grey, 2, 1.5), scale: 1 }),
    pass: THOROUGH,
  },
  {
    // Tiny soft modules (≈2 px): double the resolution, then sharpen, so module edges separate.
    name: 'double-sharpen',
    applies: doublable,
    prepare: (ws) => ({ image: unsharpBox(ws.double, 3, 2), scale: 2 }),
    pass: THOROUGH,
  },
  {
    // Tiny modules in uneven light: double, then threshold against a local mean.
    name: 'double-adaptive',
    applies: doublable,
    prepare: (ws) => ({ image: adaptiveThreshold(ws.double, 8), scale: 2 }),
    pass: PREBINARISED,
  },
  {
    // One finder covered (a thumb, a sticker): zxing needs all three. Find the finders ourselves
    // (41×41 local-mean threshold, wider than a finder's core) and, from two of them, paint the
    // third at each place it can be; up to 6 hypotheses, each one pass.
    name: 'finder-repair',
    applies: always,
    prepare: (ws) =>
      withMissingFinder(ws.grey, adaptiveThreshold(ws.grey, 20)).map((image) => ({ image, scale: 1 })),
    pass: THOROUGH,
  },
  {
    // A code on a bottle: the engine locates it but its grid drifts off the squeezed rims. Undo
    // the curvature about the symbol's centre line, across either axis, for three cylinders
    // (one or two locating passes with returnErrors, then up to 6 passes).
    name: 'cylinder-unwrap',
    applies: always,
    prepare: unwrapped,
    pass: THOROUGH,
  },
];

export const ATTEMPT_NAMES: readonly string[] = LADDER.map((a) => a.name);
