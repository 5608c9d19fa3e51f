/**
 * Image files to images: PNG (pngjs) and JPEG (jpeg-js), recognised by their signatures. Sizes are
 * checked from the header before any pixel buffer is allocated.
 */
import { readFile } from 'node:fs/promises';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { err, ok, type Result } from '../../protocol/result.js';
import { DecoderError } from './errors.js';
import { type Image, imageProblem, MAX_SIDE } from './image.js';

/** Largest frame a file may hold, in megapixels (a 12 MP phone photo fits; a bomb does not). */
export const MAX_FILE_MEGAPIXELS = 40;

const isPng = (b: Uint8Array): boolean =>
  b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function sizeProblem(width: number, height: number): string | undefined {
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
    return `image size ${width}x${height}`;
  if (width * height > MAX_FILE_MEGAPIXELS * 1e6)
    return `image of ${width}x${height} exceeds ${MAX_FILE_MEGAPIXELS} MP`;
  return undefined;
}

/** Decodes PNG or JPEG bytes into an RGBA image, or says why not. Never throws. */
export function decodeImageFile(bytes: Uint8Array): Result<Image, string> {
  try {
    if (isPng(bytes)) {
      const size = pngSize(bytes);
      if (size === undefined) return err('truncated PNG header');
      const problem = sizeProblem(size.width, size.height);
      if (problem !== undefined) return err(problem);
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return checked({ width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) });
    }
    if (isJpeg(bytes)) {
      const jpeg = decodeJpeg(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_FILE_MEGAPIXELS,
        maxMemoryUsageInMB: 512,
      });
      return checked({ width: jpeg.width, height: jpeg.height, channels: 4, data: jpeg.data });
    }
    return err('not a PNG or JPEG file');
  } catch (cause) {
    // The codecs throw plain Errors for corrupt data; the message names the defect, not the data.
    return err(`corrupt image file (${cause instanceof Error ? cause.message : 'unknown error'})`);
  }
}

function checked(image: Image): Result<Image, string> {
  const problem = imageProblem(image);
  return problem === undefined ? ok(image) : err(problem);
}

/** Reads and decodes an image file. Throws `DecoderError` (`IMAGE_LOAD`) when it cannot. */
export async function loadImageFile(path: string): Promise<Image> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DecoderError('IMAGE_LOAD', 'cannot read the image file', cause);
  }
  const image = decodeImageFile(bytes);
  if (!image.ok) throw new DecoderError('IMAGE_LOAD', image.error);
  return image.value;
}
