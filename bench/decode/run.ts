/**
 * The decode benchmark: every decoder reads every sample of the corpus in the same run (decoder
 * order rotated per sample, inputs converted outside the timed region, one untimed warm-up read
 * each), and the outcomes are tallied per category: ok, misreads, median and p95 ms.
 */
import { cpus, loadavg } from 'node:os';
import { initDecoder } from '../../firmware-sdk/decode/decoder.js';
import { toGrey } from '../../firmware-sdk/decode/image.js';
import { createRng } from '../../firmware-sdk/render/prng.js';
import { renderQr } from '../../firmware-sdk/render/render.js';
import { type BenchDecoder, HEADLINE_BASELINE, ZXING_WASM_ALL_FORMATS } from './baselines.js';
import { judgeRead } from './compare.js';
import { CATEGORIES, type Category, type Sample, syntheticCorpus } from './corpus.js';
import { HARD_CATEGORIES, type HardCategory, hardCorpus } from './corpus-hard.js';
import { benchDecoders } from './decoders.js';
import { loadImageFolder } from './images.js';
import { ehcPayload } from './payloads.js';
import { type SpeedRatio, speedRatios } from './speed.js';
import { Cell, type CellStats } from './stats.js';
import { evaluateTargets, type TargetReport } from './targets.js';

export const DEFAULT_SEED = 20_240_601;
export const DEFAULT_PER_CATEGORY = 32;
export const QUICK_PER_CATEGORY = 1;

export const SYNTHETIC_CORPORA = ['default', 'hard'] as const;
export type SyntheticCorpusName = (typeof SYNTHETIC_CORPORA)[number];

export interface DecodeBenchOptions {
  /** Samples per synthetic category (default 32: 8 per EC level). */
  readonly perCategory?: number;
  readonly seed?: number;
  /** A folder of real images (`x.png` + `x.txt`); replaces the synthetic corpus. */
  readonly imagesDir?: string;
  /** Which synthetic corpus: `default` (`corpus.ts`) or `hard` (`corpus-hard.ts`). */
  readonly corpus?: SyntheticCorpusName;
  /** Categories of the chosen synthetic corpus (default: all of them). */
  readonly categories?: readonly (Category | HardCategory)[];
  /** Decoders to run (default `ehc` + baselines); the targets are about the `subject`. */
  readonly decoders?: readonly BenchDecoder[];
  readonly onProgress?: (done: number, total: number, category: string) => void;
}

export interface DecodeBenchReport {
  readonly decoders: string[];
  /** The decoder the targets are about (`ehc`), and the baselines it is compared with. */
  readonly subject?: string;
  readonly baselines: string[];
  /** Extra decoders (ablation variants). */
  readonly variants: string[];
  /** category → decoder → stats. */
  readonly categories: Record<string, Record<string, CellStats>>;
  /** All samples together, per decoder (plus `baselines-union`: decoded by any baseline). */
  readonly overall: Record<string, CellStats>;
  /** category → how many samples at least one baseline decoded. */
  readonly unionByCategory: Record<string, number>;
  /** category → attempt name → how many samples the subject read at that attempt. */
  readonly via: Record<string, Record<string, number>>;
  readonly targets: TargetReport;
  /**
   * The subject's speed vs the zxing-wasm rows (headline `zxing-wasm (QR only, plain text)`
   * first), per category and overall, from the same run's times over the same samples.
   */
  readonly speed?: {
    readonly baselines: string[];
    readonly categories: Record<string, Record<string, SpeedRatio>>;
    readonly overall: Record<string, SpeedRatio>;
  };
  /** Samples the subject did not read, and which other decoders did (to reproduce them). */
  readonly misses: { readonly id: string; readonly readBy: string[] }[];
  readonly meta: {
    readonly corpus: 'synthetic' | 'images';
    /** Which synthetic corpus (absent for images). */
    readonly set?: SyntheticCorpusName;
    readonly seed?: number;
    readonly perCategory?: number;
    readonly imagesDir?: string;
    readonly skipped?: readonly { readonly file: string; readonly reason: string }[];
    readonly samples: number;
    readonly node: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly loadAverage: readonly number[];
    readonly startedAt: string;
    readonly durationMs: number;
  };
}

function warmupSample(seed: number): Sample {
  const expected = ehcPayload(createRng(seed));
  return { id: 'warmup', category: 'warmup', expected, image: toGrey(renderQr(expected, { moduleSize: 4 })) };
}

export async function runDecodeBench(opts: DecodeBenchOptions = {}): Promise<DecodeBenchReport> {
  const started = Date.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const perCategory = opts.perCategory ?? DEFAULT_PER_CATEGORY;
  const decoders = opts.decoders ?? (await benchDecoders());
  const names = decoders.map((d) => d.name);
  const subject = decoders.find((d) => d.role === 'subject');
  const baselineNames = decoders.filter((d) => d.role === 'baseline').map((d) => d.name);
  await initDecoder();

  let samples: Iterable<Sample>;
  let total: number;
  let skipped: { file: string; reason: string }[] | undefined;
  if (opts.imagesDir !== undefined) {
    const folder = await loadImageFolder(opts.imagesDir);
    samples = folder.samples;
    total = folder.samples.length;
    skipped = folder.skipped;
  } else if (opts.corpus === 'hard') {
    const known = new Set<string>(HARD_CATEGORIES);
    const categories = (opts.categories ?? HARD_CATEGORIES).filter((c): c is HardCategory => known.has(c));
    samples = hardCorpus(perCategory, seed, categories);
    total = perCategory * categories.length;
  } else {
    const known = new Set<string>(CATEGORIES);
    const categories = (opts.categories ?? CATEGORIES).filter((c): c is Category => known.has(c));
    samples = syntheticCorpus(perCategory, seed, categories);
    total = perCategory * categories.length;
  }

  const warm = warmupSample(seed);
  for (const d of decoders) await d.read(d.prepare(warm.image));

  const cells = new Map<string, Map<string, Cell>>();
  const overall = new Map<string, Cell>(names.map((n) => [n, new Cell()]));
  const union = new Cell();
  const via: Record<string, Record<string, number>> = {};
  const unionByCategory: Record<string, number> = {};
  const misses: { id: string; readBy: string[] }[] = [];
  let done = 0;
  for (const sample of samples) {
    const row = cells.get(sample.category) ?? new Map(names.map((n) => [n, new Cell()]));
    cells.set(sample.category, row);
    let anyBaseline = false;
    let unionMs = 0;
    let subjectOk = false;
    const readBy: string[] = [];
    for (let k = 0; k < decoders.length; k++) {
      const d = decoders[(k + done) % decoders.length]!;
      const input = d.prepare(sample.image);
      const t0 = performance.now();
      const outcome = await d.read(input);
      const ms = performance.now() - t0;
      const result = judgeRead(sample.expected, outcome.text);
      row.get(d.name)!.add(result, ms);
      overall.get(d.name)!.add(result, ms);
      if (result === 'ok') readBy.push(d.name);
      if (d === subject) {
        subjectOk = result === 'ok';
        if (result === 'ok' && outcome.via !== undefined) {
          const v = via[sample.category] ?? {};
          v[outcome.via] = (v[outcome.via] ?? 0) + 1;
          via[sample.category] = v;
        }
      } else if (d.role === 'baseline') {
        unionMs += ms;
        if (result === 'ok') anyBaseline = true;
      }
    }
    union.add(anyBaseline ? 'ok' : 'none', unionMs);
    if (!subjectOk) misses.push({ id: sample.id, readBy });
    unionByCategory[sample.category] = (unionByCategory[sample.category] ?? 0) + (anyBaseline ? 1 : 0);
    done++;
    opts.onProgress?.(done, total, sample.category);
  }

  const categories: Record<string, Record<string, CellStats>> = {};
  for (const [category, row] of cells) {
    categories[category] = Object.fromEntries([...row].map(([n, c]) => [n, c.stats()]));
  }
  const overallStats: Record<string, CellStats> = Object.fromEntries(
    [...overall].map(([n, c]) => [n, c.stats()]),
  );
  overallStats['baselines-union'] = union.stats();
  const speedBaselines = [HEADLINE_BASELINE, ZXING_WASM_ALL_FORMATS].filter((b) => names.includes(b));
  const speed =
    subject === undefined || speedBaselines.length === 0
      ? undefined
      : {
          baselines: speedBaselines,
          ...speedRatios(
            Object.fromEntries(
              [...cells].map(([category, row]) => [
                category,
                Object.fromEntries([...row].map(([n, c]) => [n, c.times])),
              ]),
            ),
            subject.name,
            speedBaselines,
          ),
        };
  return {
    decoders: names,
    ...(subject === undefined ? {} : { subject: subject.name }),
    baselines: baselineNames,
    variants: decoders.filter((d) => d.role === 'variant').map((d) => d.name),
    categories,
    overall: overallStats,
    unionByCategory,
    via,
    targets: evaluateTargets(subject?.name, baselineNames, categories, overallStats),
    ...(speed === undefined ? {} : { speed }),
    misses,
    meta: {
      corpus: opts.imagesDir === undefined ? 'synthetic' : 'images',
      ...(opts.imagesDir === undefined
        ? { set: opts.corpus ?? 'default', seed, perCategory }
        : { imagesDir: opts.imagesDir }),
      ...(skipped === undefined ? {} : { skipped }),
      samples: done,
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    },
  };
}
