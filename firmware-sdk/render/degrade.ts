/**
 * `degrade(image, kind, params, seed)`: one deterministic degradation of a rendered code. The same
 * image, kind, params and seed always give the same pixels; anything random (noise, corner
 * directions, glare position) is drawn from a PRNG seeded with `seed`.
 */
import type { Image } from '../decode/image.js';
import { imageProblem, toGrey, toRgba } from '../decode/image.js';
import { RenderError } from './errors.js';
import { frame, perspective, rotate, scale } from './geometric.js';
import { blur, contrast, glare, invertImage, jpeg, lighting, moire, noise } from './photometric.js';
import { createRng } from './prng.js';

/** The parameters of each kind of degradation. Omitted optional values are drawn from the seed. */
export interface DegradeParams {
  /** Rotation about the centre; `fill` for uncovered corners (default: the top-left sample). */
  rotation: { degrees: number; fill?: number };
  /** Keystone tilt: an edge shrunk by up to `strength` (0..0.45) of the side, plus corner jitter. */
  perspective: { strength: number; fill?: number };
  /** Defocus, Gaussian `sigma` in px. */
  blur: { sigma: number };
  /** Gaussian sensor noise of `sigma` grey levels, plus a `saltPepper` fraction of dead pixels. */
  noise: { sigma: number; saltPepper?: number };
  /** The range 0..255 squeezed into `low`..`high`. */
  contrast: { low: number; high: number };
  /** Linear light falloff dimming the far side by `strength` (0..1) along `angle` (radians). */
  lighting: { strength: number; angle?: number };
  /** A specular spot: peak `strength` (0..1), `radius` px, centre at fractions `x`, `y` of the frame. */
  glare: { strength: number; radius: number; x?: number; y?: number };
  /** Resample by `factor`. */
  scale: { factor: number };
  /** Placed in a `width`×`height` camera frame at (`x`, `y`) px over a cluttered background. */
  frame: { width: number; height: number; x?: number; y?: number; clutter?: boolean };
  /** Reversed reflectance (dark-mode screens). */
  invert: Record<string, never>;
  /** Screen moiré fringes of `period` px and depth `amplitude` (0..1) at `angle` (radians). */
  moire: { period: number; amplitude: number; angle?: number };
  /** JPEG round trip at `quality` 1..100. */
  jpeg: { quality: number };
}

export type DegradeKind = keyof DegradeParams;

export const DEGRADE_KINDS: readonly DegradeKind[] = [
  'rotation',
  'perspective',
  'blur',
  'noise',
  'contrast',
  'lighting',
  'glare',
  'scale',
  'frame',
  'invert',
  'moire',
  'jpeg',
];

/** One step of a degradation pipeline. */
export type DegradeStep = { [K in DegradeKind]: { kind: K; params: DegradeParams[K] } }[DegradeKind];

/** Applies one degradation. The result has the input's channel count. Throws `RenderError` on bad input. */
export function degrade<K extends DegradeKind>(
  image: Image,
  kind: K,
  params: DegradeParams[K],
  seed = 0,
): Image {
  const problem = imageProblem(image);
  if (problem !== undefined) throw new RenderError('RENDER_IMAGE', problem);
  const grey = toGrey(image);
  const rng = createRng(seed);
  const step = { kind, params } as DegradeStep;
  const out = apply(grey, step, rng);
  return image.channels === 4 ? toRgba(out) : out;
}

/** Applies steps in order, each seeded from `seed` and its index. */
export function degradeAll(image: Image, steps: readonly DegradeStep[], seed = 0): Image {
  let img = image;
  steps.forEach((s, i) => {
    img = degrade(img, s.kind, s.params as never, (seed + Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  });
  return img;
}

function need(ok: boolean, message: string): void {
  if (!ok) throw new RenderError('RENDER_OPTIONS', message);
}

function apply(img: ReturnType<typeof toGrey>, step: DegradeStep, rng: ReturnType<typeof createRng>) {
  switch (step.kind) {
    case 'rotation':
      need(Number.isFinite(step.params.degrees), 'rotation.degrees must be a number');
      return rotate(img, step.params.degrees, step.params.fill ?? img.data[0]!);
    case 'perspective':
      need(step.params.strength >= 0 && step.params.strength <= 0.45, 'perspective.strength must be 0..0.45');
      return perspective(img, step.params.strength, step.params.fill ?? img.data[0]!, rng);
    case 'blur':
      need(step.params.sigma >= 0 && step.params.sigma <= 50, 'blur.sigma must be 0..50');
      return blur(img, step.params.sigma);
    case 'noise':
      need(step.params.sigma >= 0, 'noise.sigma must be >= 0');
      return noise(img, step.params.sigma, step.params.saltPepper ?? 0, rng);
    case 'contrast':
      need(step.params.low >= 0 && step.params.high <= 255, 'contrast range must be within 0..255');
      return contrast(img, step.params.low, step.params.high);
    case 'lighting':
      need(step.params.strength >= 0 && step.params.strength <= 1, 'lighting.strength must be 0..1');
      return lighting(img, step.params.strength, step.params.angle ?? rng.range(0, 2 * Math.PI));
    case 'glare': {
      const { strength, radius } = step.params;
      need(strength >= 0 && strength <= 1 && radius > 0, 'glare needs strength 0..1 and radius > 0');
      const x = (step.params.x ?? rng.range(0.25, 0.75)) * img.width;
      const y = (step.params.y ?? rng.range(0.25, 0.75)) * img.height;
      return glare(img, strength, radius, x, y);
    }
    case 'scale':
      need(step.params.factor >= 0.05 && step.params.factor <= 20, 'scale.factor must be 0.05..20');
      return scale(img, step.params.factor);
    case 'frame': {
      const { width, height } = step.params;
      need(Number.isInteger(width) && Number.isInteger(height), 'frame size must be integers');
      need(width >= 1 && height >= 1 && width <= 16_384 && height <= 16_384, 'frame size must be 1..16384');
      const at = { x: step.params.x, y: step.params.y };
      return frame(img, width, height, rng, at, step.params.clutter ?? true);
    }
    case 'invert':
      return invertImage(img);
    case 'moire':
      need(step.params.period > 0 && step.params.amplitude >= 0, 'moire needs period > 0, amplitude >= 0');
      return moire(
        img,
        step.params.period,
        step.params.amplitude,
        step.params.angle ?? rng.range(0, Math.PI),
      );
    case 'jpeg':
      need(step.params.quality >= 1 && step.params.quality <= 100, 'jpeg.quality must be 1..100');
      return jpeg(img, step.params.quality);
  }
}
