/**
 * `degrade(image, kind, params, seed)`: one deterministic degradation of a rendered code. The same
 * image, kind, params and seed always give the same pixels; anything random (noise, corner
 * directions, glare position) is drawn from a PRNG seeded with `seed`.
 */
import type { Image } from '../decode/image.js';
import { imageProblem, toGrey, toRgba } from '../decode/image.js';
import { RenderError } from './errors.js';
import { frame, perspective, rotate, scale } from './geometric.js';
import { defocus, motionBlur, type Spot, specular } from './optics.js';
import { blur, contrast, glare, invertImage, jpeg, lighting, moire, noise } from './photometric.js';
import { createRng, type Rng } from './prng.js';
import { crease, cylinder, mirror, occlude, tilt } from './surface.js';

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
  /**
   * A specular spot: peak `strength` (0..1), `radius` px, centre at fractions `x`, `y` of the frame.
   * With `core` (0..0.9) the spot saturates: within `core` × radius every pixel is white (an
   * elliptical spot of seeded shape), and `spots` (1..5, default 1) such spots are scattered
   * round the centre, the others within `2 × radius` of it. Without both, the soft additive spot.
   */
  glare: { strength: number; radius: number; x?: number; y?: number; core?: number; spots?: number };
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
  /**
   * Steep perspective: the plane rotated `degrees` (0..80) about an in-plane axis at `axis`
   * radians, seen by a pinhole camera `distance` (0.6..20, default 1.5) × the longer side away.
   */
  tilt: { degrees: number; axis?: number; distance?: number; fill?: number };
  /**
   * Wrapped round a cylinder (a bottle): the width (`vertical` axis, the default) or height spans
   * `arc` degrees (1..180), seen from `distance` radii (default 4); `shade` (0..1, default 0.3)
   * darkens the rims.
   */
  cylinder: { arc: number; vertical?: boolean; distance?: number; shade?: number; fill?: number };
  /** Linear motion blur over `length` px (0..100) at `angle` radians. */
  motion: { length: number; angle?: number };
  /** Defocus through a round aperture: a disc kernel of `radius` px (0..30). */
  defocus: { radius: number };
  /**
   * Something over part of the code: a thumb (`ellipse`, default) or sticker (`rect`) with the
   * bounding box `x`, `y`, `width`, `height` in px, grey `level` (seeded 40..220 when absent).
   */
  occlude: {
    x: number;
    y: number;
    width: number;
    height: number;
    shape?: 'ellipse' | 'rect';
    level?: number;
  };
  /** Mirror image: left-right (`horizontal`, the default) or top-bottom. */
  mirror: { horizontal?: boolean };
  /**
   * A fold line at `angle` (radians) through `offset` (-1..1 of the half-diagonal) from the
   * centre: brightness × (1 − `step`) (-1..1) beyond it, displacement of up to `shift` px across
   * it, a ridge `width` px wide (default 2). Angle and offset are seeded when absent.
   */
  crease: { step: number; shift: number; angle?: number; offset?: number; width?: number };
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
  'tilt',
  'cylinder',
  'motion',
  'defocus',
  'occlude',
  'mirror',
  'crease',
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
      const { strength, radius, core, spots } = step.params;
      need(strength >= 0 && strength <= 1 && radius > 0, 'glare needs strength 0..1 and radius > 0');
      need(core === undefined || (core >= 0 && core <= 0.9), 'glare.core must be 0..0.9');
      need(
        spots === undefined || (Number.isInteger(spots) && spots >= 1 && spots <= 5),
        'glare.spots must be 1..5',
      );
      const x = (step.params.x ?? rng.range(0.25, 0.75)) * img.width;
      const y = (step.params.y ?? rng.range(0.25, 0.75)) * img.height;
      if (core === undefined && spots === undefined) return glare(img, strength, radius, x, y);
      return specular(img, specularSpots(x, y, radius, core ?? 0.5, spots ?? 1, strength, rng));
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
    case 'tilt': {
      const { degrees, distance = 1.5 } = step.params;
      need(degrees >= 0 && degrees <= 80, 'tilt.degrees must be 0..80');
      need(distance >= 0.6 && distance <= 20, 'tilt.distance must be 0.6..20');
      const axis = step.params.axis ?? rng.range(0, Math.PI);
      return tilt(img, degrees, axis, distance, step.params.fill ?? img.data[0]!);
    }
    case 'cylinder': {
      const { arc, vertical = true, distance = 4, shade = 0.3 } = step.params;
      need(arc >= 1 && arc <= 180, 'cylinder.arc must be 1..180 degrees');
      need(distance >= 1 && shade >= 0 && shade <= 1, 'cylinder needs distance >= 1 and shade 0..1');
      return cylinder(img, arc, vertical, distance, shade, step.params.fill ?? img.data[0]!);
    }
    case 'motion':
      need(step.params.length >= 0 && step.params.length <= 100, 'motion.length must be 0..100');
      return motionBlur(img, step.params.length, step.params.angle ?? rng.range(0, Math.PI));
    case 'defocus':
      need(step.params.radius >= 0 && step.params.radius <= 30, 'defocus.radius must be 0..30');
      return defocus(img, step.params.radius);
    case 'occlude': {
      const { x, y, width, height } = step.params;
      need([x, y, width, height].every(Number.isFinite), 'occlude box must be finite numbers');
      need(width > 0 && height > 0, 'occlude box must have a positive size');
      const level = step.params.level ?? rng.int(40, 220);
      need(level >= 0 && level <= 255, 'occlude.level must be 0..255');
      return occlude(img, { x, y, width, height }, step.params.shape !== 'rect', level);
    }
    case 'mirror':
      return mirror(img, step.params.horizontal ?? true);
    case 'crease': {
      const { step: s, shift, width = 2 } = step.params;
      need(
        s >= -1 && s <= 1 && Math.abs(shift) <= 50 && width > 0,
        'crease needs step -1..1, |shift| <= 50, width > 0',
      );
      const angle = step.params.angle ?? rng.range(0, Math.PI);
      const offset = step.params.offset ?? rng.range(-0.3, 0.3);
      need(offset >= -1 && offset <= 1, 'crease.offset must be -1..1');
      return crease(img, angle, offset, s, shift, width);
    }
  }
}

/** The first spot at (x, y), the others scattered within 2 radii; shapes drawn from `rng`. */
function specularSpots(
  x: number,
  y: number,
  radius: number,
  core: number,
  count: number,
  strength: number,
  rng: Rng,
): Spot[] {
  const spots: Spot[] = [];
  for (let i = 0; i < count; i++) {
    const r = i === 0 ? radius : radius * rng.range(0.3, 0.8);
    const a = rng.range(0, 2 * Math.PI);
    const dist = i === 0 ? 0 : rng.range(0.8, 2) * radius;
    const aspect = rng.range(1, 2.5);
    spots.push({
      x: x + Math.cos(a) * dist,
      y: y + Math.sin(a) * dist,
      rx: r * Math.sqrt(aspect),
      ry: r / Math.sqrt(aspect),
      angle: rng.range(0, Math.PI),
      core,
      strength,
    });
  }
  return spots;
}
