import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Image } from '../../firmware-sdk/decode/image.js';
import { EhcError } from '../../protocol/errors.js';

/**
 * JPEG decoding of the screencast's frames off the event loop. A 480 × 720 frame takes jpeg-js
 * about 50 ms on this machine; at 20 frames a second that is the whole of the rig's event loop,
 * which the agent under measurement shares, so every verdict waited behind frame decoding. Here
 * a worker thread decodes (one frame at a time; the camera drops frames meanwhile, latest first)
 * and hands the RGBA pixels back without a copy.
 *
 * The worker is a small CommonJS script evaluated from a string that loads jpeg-js by the path
 * this module resolves, so it runs the same from sources (tsx, vitest) and from the bundle.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const jpeg = require(workerData.lib);
parentPort.on('message', (m) => {
  try {
    const img = jpeg.decode(m.bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 40, maxMemoryUsageInMB: 256 });
    parentPort.postMessage({ id: m.id, ok: true, width: img.width, height: img.height, data: img.data }, [img.data.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message) });
  }
});
`;

type Reply =
  | { id: number; ok: true; width: number; height: number; data: Uint8Array }
  | { id: number; ok: false; message: string };

export class JpegWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (r: Reply) => void>();
  #next = 1;
  #dead: Error | undefined;

  constructor() {
    const lib = createRequire(import.meta.url).resolve('jpeg-js');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { lib } });
    this.#worker.unref();
    this.#worker.on('message', (r: Reply) => {
      const done = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      done?.(r);
    });
    this.#worker.on('error', (e) => this.#fail(e));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the JPEG worker exited (code ${code})`)));
  }

  /** The frame's pixels (RGBA), or the decoder's reason it is not a readable JPEG. */
  decode(bytes: Uint8Array): Promise<{ ok: true; image: Image } | { ok: false; why: string }> {
    if (this.#dead)
      return Promise.reject(new EhcError('RIG_CAMERA', 'the JPEG worker is gone', { cause: this.#dead }));
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, (r) =>
        resolve(
          r.ok
            ? { ok: true, image: { width: r.width, height: r.height, channels: 4, data: r.data } }
            : { ok: false, why: r.message },
        ),
      );
      this.#worker.postMessage({ id, bytes });
    });
  }

  #fail(e: Error): void {
    this.#dead ??= e;
    for (const [, done] of this.#pending) done({ id: 0, ok: false, message: e.message });
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#dead ??= new Error('closed');
    await this.#worker.terminate();
  }
}
