import { decodeSync } from '../../decode/decoder.js';
import type { Image } from '../../decode/image.js';
import type { DecodeResult } from '../../decode/result.js';
import type { DecodedSymbol } from '../../hal/types.js';
import { type DegradeStep, degradeAll } from '../../render/degrade.js';

/**
 * A camera that is fed frames (a screen grabbed by a browser, a V4L2 device, a file sequence)
 * instead of payloads: each frame is degraded as the optics would degrade it, read by the real
 * decoder (firmware-sdk/decode, which must be initialised) and, when it holds a code, reported to
 * the terminal as a presentation-mode imager does — once per code while it stays in view: the same
 * text seen again within `holdMs` of its last sighting is not reported again.
 */
export interface FrameCameraOptions {
  /** Where a newly read symbol goes, e.g. `terminal.runtime.reportSymbol`. */
  readonly report: (symbol: DecodedSymbol) => void;
  /** What the optics do to each frame before the decoder sees it (default nothing). */
  readonly degrade?: readonly DegradeStep[];
  /** Seed of the degradations; frame n uses seed + n, so noise differs from frame to frame. */
  readonly seed?: number;
  /** Same text again within this many ms of its last sighting is the same presentation (default 1000). */
  readonly holdMs?: number;
  /** Decoder time budget per frame, ms (default the decoder's). */
  readonly budgetMs?: number;
  readonly now?: () => number;
}

export interface FrameOutcome {
  readonly result: DecodeResult;
  /** True when this frame's code was reported to the terminal (a new presentation). */
  readonly reported: boolean;
  /** Time spent degrading (the simulated optics), ms; the decoder's own time is `result.ms`. */
  readonly degradeMs: number;
}

export class FrameCamera {
  readonly #o: FrameCameraOptions;
  readonly #now: () => number;
  readonly #lastSeen = new Map<string, number>();
  #frame = 0;
  /** Frames presented, frames with a code read, frames read but not reported (same presentation). */
  readonly counts = { frames: 0, read: 0, held: 0 };

  constructor(options: FrameCameraOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** One frame from the sensor; decodes synchronously. */
  present(frame: Image): FrameOutcome {
    this.counts.frames++;
    const seed = (this.#o.seed ?? 1) + this.#frame++;
    const t0 = performance.now();
    const seen = this.#o.degrade?.length ? degradeAll(frame, this.#o.degrade, seed) : frame;
    const degradeMs = performance.now() - t0;
    const result = decodeSync(seen, this.#o.budgetMs === undefined ? {} : { budgetMs: this.#o.budgetMs });
    if (!result.ok) return { result, reported: false, degradeMs };
    this.counts.read++;
    const now = this.#now();
    const last = this.#lastSeen.get(result.text);
    this.#lastSeen.set(result.text, now);
    if (this.#lastSeen.size > 256) this.#forget(now);
    if (last !== undefined && now - last <= (this.#o.holdMs ?? 1000)) {
      this.counts.held++;
      return { result, reported: false, degradeMs };
    }
    this.#o.report({ payload: result.bytes, symbology: 'qr_code' });
    return { result, reported: true, degradeMs };
  }

  #forget(now: number): void {
    const hold = this.#o.holdMs ?? 1000;
    for (const [text, at] of this.#lastSeen) if (now - at > hold) this.#lastSeen.delete(text);
  }
}
