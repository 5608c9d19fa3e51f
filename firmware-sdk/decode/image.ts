/**
 * The image type every decode and render function works on: 8-bit samples, row-major, no row
 * padding. `channels: 1` is grey (a camera's Y plane); `channels: 4` is RGBA (a canvas, a PNG).
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** A one-channel image. Decoding works on grey; RGBA input is converted once, up front. */
export interface GreyImage extends Image {
  readonly channels: 1;
  readonly data: Uint8Array;
}

/** Largest side accepted, in pixels (a 16K frame); larger is a `bad-image`, not an allocation. */
export const MAX_SIDE = 16_384;

/** A new grey image of the given size, every sample set to `fill`. */
export function createGrey(width: number, height: number, fill = 255): GreyImage {
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, channels: 1, data };
}

/** Why `image` is not a usable image, or `undefined` when it is. Never throws. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'object' || image === null) return 'not an image object';
  const { width, height, channels, data } = image as Partial<Image>;
  if (!Number.isInteger(width) || !Number.isInteger(height)) return 'width and height must be integers';
  const w = width as number;
  const h = height as number;
  if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) return `size ${w}x${h} is outside 1..${MAX_SIDE}`;
  if (channels !== 1 && channels !== 4) return 'channels must be 1 (grey) or 4 (RGBA)';
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    return 'data must be a Uint8Array or Uint8ClampedArray';
  }
  if (data.length !== w * h * channels) {
    return `data has ${data.length} bytes, expected ${w * h * channels} (${w}x${h}x${channels})`;
  }
  return undefined;
}

/**
 * Grey view of an image. Grey input is returned as is (no copy); RGBA is converted with the
 * BT.601 weights zxing-cpp uses, compositing transparent pixels over white (a QR drawn on a
 * transparent PNG has black, fully transparent background pixels).
 */
export function toGrey(image: Image): GreyImage {
  if (image.channels === 1) {
    const d = image.data;
    const data = d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.length);
    return { width: image.width, height: image.height, channels: 1, data };
  }
  const n = image.width * image.height;
  const src = image.data;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const y = (306 * src[j]! + 601 * src[j + 1]! + 117 * src[j + 2]! + 512) >> 10;
    const a = src[j + 3]!;
    out[i] = a === 255 ? y : (y * a + 255 * (255 - a) + 127) / 255;
  }
  return { width: image.width, height: image.height, channels: 1, data: out };
}

/** RGBA copy of an image (grey samples repeated, alpha 255), as canvas-style APIs want it. */
export function toRgba(image: Image): Image & { readonly data: Uint8ClampedArray } {
  const n = image.width * image.height;
  if (image.channels === 4) {
    const data = new Uint8ClampedArray(image.data);
    return { width: image.width, height: image.height, channels: 4, data };
  }
  const out = new Uint8ClampedArray(n * 4);
  const src = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const v = src[i]!;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
    out[j + 3] = 255;
  }
  return { width: image.width, height: image.height, channels: 4, data: out };
}
