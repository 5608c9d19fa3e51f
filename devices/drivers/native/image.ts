import { crc32 } from '../../../protocol/device/crc.js';
import type { ImageChunkMessage, ImageFormat } from '../../../protocol/device/messages.js';
import { NativeDriverError } from './errors.js';

export interface UploadedImage {
  readonly imageId: number;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Reassembles one uploaded image from its chunks (any order). The size the first chunk announces
 * is checked against `maxBytes` before anything is allocated; the result is checked against the
 * announced CRC-32.
 */
export class ImageAssembly {
  readonly imageId: number;
  readonly #maxBytes: number;
  #data: Uint8Array | undefined;
  #got: Set<number> | undefined;
  #first: ImageChunkMessage | undefined;

  constructor(imageId: number, maxBytes: number) {
    this.imageId = imageId;
    this.#maxBytes = maxBytes;
  }

  /** Adds a chunk; returns the image once complete. Throws `NATIVE_IMAGE_INVALID`. */
  add(c: ImageChunkMessage): UploadedImage | undefined {
    if (!this.#first) {
      if (c.totalBytes > this.#maxBytes) {
        throw new NativeDriverError(
          'NATIVE_IMAGE_INVALID',
          `image of ${c.totalBytes} bytes exceeds ${this.#maxBytes}`,
        );
      }
      if (c.count < 1 || c.count > c.totalBytes + 1) {
        throw new NativeDriverError('NATIVE_IMAGE_INVALID', `image announces ${c.count} chunks`);
      }
      this.#first = c;
      this.#data = new Uint8Array(c.totalBytes);
      this.#got = new Set();
    }
    const f = this.#first;
    if (c.count !== f.count || c.totalBytes !== f.totalBytes || c.crc32 !== f.crc32 || c.index >= c.count) {
      throw new NativeDriverError('NATIVE_IMAGE_INVALID', `chunk ${c.index} does not match the image`);
    }
    const at = c.offset;
    if (at + c.data.length > f.totalBytes) {
      throw new NativeDriverError('NATIVE_IMAGE_INVALID', `chunk ${c.index} runs past the image end`);
    }
    this.#data!.set(c.data, at);
    this.#got!.add(c.index);
    if (this.#got!.size < f.count) return undefined;
    const data = this.#data!;
    if (crc32(data) !== f.crc32)
      throw new NativeDriverError('NATIVE_IMAGE_INVALID', 'image failed its CRC-32');
    return { imageId: this.imageId, format: f.format, width: f.width, height: f.height, data };
  }
}
