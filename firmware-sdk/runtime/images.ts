import { crc32 } from '../../protocol/device/crc.js';
import type { ImageChunkMessage } from '../../protocol/device/messages.js';
import type { HalImage } from '../hal/types.js';

/** Splits an image into `ImageChunk` messages of at most `chunkBytes` data bytes each. */
export function chunkImage(image: HalImage, imageId: number, chunkBytes: number): ImageChunkMessage[] {
  const total = image.data.length;
  const count = Math.max(1, Math.ceil(total / chunkBytes));
  const crc = crc32(image.data);
  const out: ImageChunkMessage[] = [];
  for (let index = 0; index < count; index++) {
    out.push({
      imageId,
      index,
      count,
      totalBytes: total,
      format: image.format,
      width: image.width,
      height: image.height,
      data: image.data.subarray(index * chunkBytes, Math.min(total, (index + 1) * chunkBytes)),
      crc32: crc,
      offset: index * chunkBytes,
    });
  }
  return out;
}
