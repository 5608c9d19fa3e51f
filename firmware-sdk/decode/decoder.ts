/**
 * `decode(image)`: QR codes in camera frames. zxing-cpp (wasm, loaded locally) runs first on the
 * frame as is; only when that fails does the retry ladder (`ladder.ts`) try preprocessed versions,
 * cheapest first, until one reads or the time budget is spent. A failed decode is a value.
 */
import { readFile } from 'node:fs/promises';
import { decodeImageFile } from './codecs.js';
import { type EngineHit, type EngineLoadOptions, engineIfLoaded, loadEngine, readGrey } from './engine.js';
import { DecoderError } from './errors.js';
import { type Image, imageProblem, toGrey } from './image.js';
import { type Attempt, LADDER, preparedImages, Workspace } from './ladder.js';
import type { DecodeErrorType, DecodeFailure, DecodeResult, DecodeSuccess, Quadrilateral } from './result.js';
import { WARMUP_TEXT, warmupImage } from './warmup.js';

export interface DecodeOptions {
  /**
   * Stop escalating once this many ms have passed (default 200). The attempt (or, for attempts
   * with several hypotheses, the hypothesis) running when the budget runs out finishes; the first
   * attempt always runs.
   */
  readonly budgetMs?: number;
  /** Run only the attempts with these names, in ladder order (benchmarks use this to ablate). */
  readonly attempts?: readonly string[];
}

export const DEFAULT_BUDGET_MS = 200;

export interface DecoderInfo {
  /** Time to read, verify and instantiate the `.wasm`, and to warm it up (ms). */
  readonly loadMs: number;
  readonly warmupMs: number;
}

let warmed: Promise<DecoderInfo> | undefined;

/**
 * Loads the engine from the installed package (never from the network) and warms it up by
 * decoding a built-in symbol through every attempt. Idempotent; call it at start so the first
 * real scan does not pay 20–80 ms of compilation. Throws `DecoderError` if the `.wasm` is missing
 * or is not the one zxing-wasm was built with.
 */
export function initDecoder(opts: EngineLoadOptions = {}): Promise<DecoderInfo> {
  warmed ??= (async () => {
    const t0 = performance.now();
    const zxing = await loadEngine(opts);
    const t1 = performance.now();
    const sample = warmupImage();
    for (const attempt of LADDER) {
      for (const { image } of preparedImages(attempt.prepare(new Workspace(sample, zxing)))) {
        const hit = readGrey(zxing, image, attempt.pass);
        if (attempt === LADDER[0] && hit?.text !== WARMUP_TEXT) {
          throw new DecoderError('DECODER_INIT', 'the decoder failed to read its warm-up symbol');
        }
      }
    }
    return { loadMs: t1 - t0, warmupMs: performance.now() - t1 };
  })().catch((e: unknown) => {
    warmed = undefined;
    throw e;
  });
  return warmed;
}

/** Input `decode` accepts: an image, or the bytes of a PNG or JPEG file. */
export type DecodeInput = Image | Uint8Array;

/** Decodes a QR code, loading the decoder first if needed. Never rejects for a bad or empty image. */
export async function decode(input: DecodeInput, opts: DecodeOptions = {}): Promise<DecodeResult> {
  await initDecoder();
  if (input instanceof Uint8Array) {
    const t0 = performance.now();
    const image = decodeImageFile(input);
    if (!image.ok) return failure('bad-image', image.error, t0, 0);
    return decodeSync(image.value, opts);
  }
  return decodeSync(input, opts);
}

/**
 * Reads a PNG or JPEG file and decodes it. A file that cannot be read throws `DecoderError`
 * (`IMAGE_LOAD`); one that is not a valid image is a `bad-image` result.
 */
export async function decodeFile(path: string, opts: DecodeOptions = {}): Promise<DecodeResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new DecoderError('IMAGE_LOAD', 'cannot read the image file', cause);
  }
  return decode(bytes, opts);
}

/** Synchronous decode; the decoder must be initialised (`not-ready` otherwise). */
export function decodeSync(image: Image, opts: DecodeOptions = {}): DecodeResult {
  const t0 = performance.now();
  const zxing = engineIfLoaded();
  if (zxing === undefined) return failure('not-ready', 'call initDecoder() first', t0, 0);
  const problem = imageProblem(image);
  if (problem !== undefined) return failure('bad-image', problem, t0, 0);
  const budget = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const ladder = opts.attempts === undefined ? LADDER : LADDER.filter((a) => opts.attempts?.includes(a.name));
  const ws = new Workspace(toGrey(image), zxing);
  let attempts = 0;
  for (const attempt of ladder) {
    if (attempts > 0 && performance.now() - t0 >= budget) break;
    if (!attempt.applies(image.width, image.height)) continue;
    attempts++;
    let hit: EngineHit | undefined;
    let scale = 1;
    try {
      let tried = 0;
      for (const prepared of preparedImages(attempt.prepare(ws))) {
        // Hypotheses of one attempt stop at the budget too (the first always runs).
        if (tried++ > 0 && performance.now() - t0 >= budget) break;
        scale = prepared.scale;
        hit = readGrey(zxing, prepared.image, attempt.pass);
        if (hit !== undefined) break;
      }
    } catch (cause) {
      const reason = cause instanceof Error ? cause.name : 'error';
      return failure('engine-error', `attempt ${attempt.name} failed (${reason})`, t0, attempts);
    }
    if (hit !== undefined) return success(hit, attempt, scale, t0, attempts);
  }
  const ms = performance.now() - t0;
  return failure('not-found', `no QR code read in ${attempts} attempts (${ms.toFixed(1)} ms)`, t0, attempts);
}

function success(
  hit: EngineHit,
  attempt: Attempt,
  scale: number,
  t0: number,
  attempts: number,
): DecodeSuccess {
  const ec = hit.ecLevel;
  const ecLevel = ec === 'L' || ec === 'M' || ec === 'Q' || ec === 'H' ? ec : undefined;
  const p = hit.position;
  const pt = (q: { x: number; y: number }) => ({ x: q.x / scale, y: q.y / scale });
  const position: Quadrilateral = {
    topLeft: pt(p.topLeft),
    topRight: pt(p.topRight),
    bottomRight: pt(p.bottomRight),
    bottomLeft: pt(p.bottomLeft),
  };
  return {
    ok: true,
    text: hit.text,
    bytes: hit.bytes,
    contentType: hit.contentType,
    ...(ecLevel === undefined ? {} : { ecLevel }),
    position,
    engine: 'zxing',
    via: attempt.name,
    ms: performance.now() - t0,
    attempts,
  };
}

function failure(type: DecodeErrorType, message: string, t0: number, attempts: number): DecodeFailure {
  return { ok: false, error: { type, message }, ms: performance.now() - t0, attempts };
}
