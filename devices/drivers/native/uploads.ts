import type { ImageChunkMessage, ReplyMessage } from '../../../protocol/device/messages.js';
import { type EhcError, toEhcError } from '../../../protocol/errors.js';
import type { DriverIo } from '../../types.js';
import { NativeDriverError } from './errors.js';
import { ImageAssembly, type UploadedImage } from './image.js';

interface Capture {
  readonly seq: number;
  readonly resolve: (img: UploadedImage) => void;
  readonly reject: (e: EhcError) => void;
  cancel: () => void;
  imageId: number | undefined;
  assembly: ImageAssembly | undefined;
}

/**
 * Image captures in flight: each waits first for the reply to its `capture_image` command (which
 * names the image id), then for the image's chunks. The assembly is set up synchronously when the
 * reply is handled, so chunks right behind the reply are not missed. One deadline covers both.
 */
export class ImageUploads {
  readonly #bySeq = new Map<number, Capture>();
  readonly #byImage = new Map<number, Capture>();
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Registers the capture sent with command seq `seq`. */
  expect(io: DriverIo, seq: number, timeoutMs: number): Promise<UploadedImage> {
    return new Promise((resolve, reject) => {
      const c: Capture = { seq, resolve, reject, cancel: () => {}, imageId: undefined, assembly: undefined };
      c.cancel = io.setTimer(timeoutMs, () =>
        this.#finish(c, new NativeDriverError('DEVICE_TIMEOUT', `image not received within ${timeoutMs} ms`)),
      );
      this.#bySeq.set(seq, c);
    });
  }

  /** A reply arrived: if it answers a capture, start assembling its image. */
  onReply(reply: ReplyMessage): void {
    const c = this.#bySeq.get(reply.replyTo);
    if (!c || reply.status !== 'ok') return;
    if (reply.imageId === 0) {
      this.#finish(c, new NativeDriverError('NATIVE_IMAGE_INVALID', 'the capture reply names no image'));
      return;
    }
    c.imageId = reply.imageId;
    c.assembly = new ImageAssembly(reply.imageId, this.#maxBytes);
    this.#byImage.set(reply.imageId, c);
  }

  onChunk(chunk: ImageChunkMessage): void {
    const c = this.#byImage.get(chunk.imageId);
    if (!c?.assembly) return;
    try {
      const img = c.assembly.add(chunk);
      if (img) this.#finish(c, img);
    } catch (e) {
      this.#finish(c, toEhcError(e, 'NATIVE_IMAGE_INVALID', 'bad image chunk'));
    }
  }

  /** The capture command itself failed (error reply, timeout, write failure). */
  fail(seq: number, error: EhcError): void {
    const c = this.#bySeq.get(seq);
    if (c) this.#finish(c, error);
  }

  rejectAll(error: EhcError): void {
    for (const c of [...this.#bySeq.values()]) this.#finish(c, error);
  }

  #finish(c: Capture, outcome: UploadedImage | EhcError): void {
    c.cancel();
    this.#bySeq.delete(c.seq);
    if (c.imageId !== undefined) this.#byImage.delete(c.imageId);
    if (outcome instanceof Error) c.reject(outcome);
    else c.resolve(outcome);
  }
}
