/** Binarisation of grey images into 0/255 images. */
import type { GreyImage } from '../image.js';
import { boxBlur } from './filter.js';

/**
 * Local-mean threshold with a window of 2r+1 (a pixel is black when darker than its
 * neighbourhood mean minus `offset`). Unlike zxing's 8×8-block average, the window is sized to
 * the code's modules, so a gradient or a glare halo across the symbol does not flip whole
 * blocks.
 */
export function adaptiveThreshold(image: GreyImage, radius: number, offset = 2): GreyImage {
  const mean = boxBlur(image, radius).data;
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! + offset <= mean[i]! ? 0 : 255;
  return { width: image.width, height: image.height, channels: 1, data: out };
}
