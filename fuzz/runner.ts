/**
 * Runs one target for N inputs through fast-check (so a defect is shrunk to a small input) and
 * measures it: answers by kind, wall time, the slowest input, peak RSS, and heap growth between
 * a full GC after warm-up and one at the end (a leak shows there; RSS alone moves with the GC).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { FuzzDefect, type FuzzTarget, refusal } from './target.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** One input slower than this is reported as a hang (the target is a parser: microseconds). */
export const HANG_MS = 250;

/**
 * The runner lets the event loop turn (one `setImmediate`) after this many inputs. fast-check's
 * async loop is a chain of microtasks, and Node runs `process.nextTick` callbacks and timers only
 * when that chain drains: without a turn, every callback a target schedules (pngjs schedules one
 * per `new PNG`) waits to the end of the run and its closure counts as heap growth — a leak the
 * process does not have. Found as the camera decoder's "+62 MB" (issue 19).
 */
export const TURN_EVERY = 64;

export interface FuzzResult {
  readonly target: string;
  readonly what: string;
  readonly inputs: number;
  readonly seed: number;
  /** Accepted inputs, and each typed refusal with its count. */
  readonly answers: Readonly<Record<string, number>>;
  readonly distinctRefusals: number;
  readonly seconds: number;
  readonly slowestInputMs: number;
  readonly peakRssMb: number;
  readonly heapGrowthMb: number;
  /** The shrunk counterexample and what broke, if anything did. */
  readonly defect?: string;
}

export interface RunOptions {
  readonly runs: number;
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/** The target's answer; a typed error it let through counts as that refusal. */
async function answerOf<T>(target: FuzzTarget<T>, input: T): Promise<string> {
  try {
    return await target.run(input);
  } catch (e) {
    return refusal(e);
  }
}

export async function runTarget<T>(target: FuzzTarget<T>, opts: RunOptions): Promise<FuzzResult> {
  const total = Math.max(1, Math.round(opts.runs / (target.cost ?? 1)));
  const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const answers: Record<string, number> = {};
  const warmUp = Math.max(1, Math.floor(total / 10));
  let done = 0;
  let slowest = 0;
  let peakRss = process.memoryUsage.rss();
  let heapAfterWarmUp = 0;
  const step = Math.max(1, Math.floor(total / 20));
  const started = performance.now();
  let defect: string | undefined;
  try {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        const t0 = performance.now();
        const answer = await answerOf(target, input);
        const ms = performance.now() - t0;
        if (ms > HANG_MS) throw new FuzzDefect(`one input took ${ms.toFixed(0)} ms (limit ${HANG_MS} ms)`);
        if (ms > slowest) slowest = ms;
        answers[answer] = (answers[answer] ?? 0) + 1;
        done++;
        if (done % TURN_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (done === warmUp) {
          gc();
          heapAfterWarmUp = process.memoryUsage().heapUsed;
        }
        if (done % step === 0) {
          peakRss = Math.max(peakRss, process.memoryUsage.rss());
          opts.onProgress?.(done, total);
        }
      }),
      { numRuns: total, seed, endOnFailure: false },
    );
  } catch (e) {
    const cause = e instanceof Error && e.cause !== undefined ? `\n${String(e.cause)}` : '';
    defect = (e instanceof Error ? e.message : String(e)) + cause;
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const heapGrowth = heapAfterWarmUp === 0 ? 0 : process.memoryUsage().heapUsed - heapAfterWarmUp;
  return {
    target: target.name,
    what: target.what,
    inputs: done,
    seed,
    answers,
    distinctRefusals: Object.keys(answers).filter((k) => k !== 'ok').length,
    seconds: Math.round(seconds * 100) / 100,
    slowestInputMs: Math.round(slowest * 100) / 100,
    peakRssMb: mb(Math.max(peakRss, process.memoryUsage.rss())),
    heapGrowthMb: mb(heapGrowth),
    ...(defect === undefined ? {} : { defect }),
  };
}
