// ehc bench decode — camera decoding vs baselines (issue 6)
import { writeJsonReport, writeTextReport } from '../../agent/log/report-file.js';
import { ablationDecoders, benchDecoders } from '../../bench/decode/decoders.js';
import { formatDecodeBench } from '../../bench/decode/format.js';
import { renderHtmlReport } from '../../bench/decode/report-html.js';
import {
  DEFAULT_PER_CATEGORY,
  DEFAULT_SEED,
  QUICK_PER_CATEGORY,
  runDecodeBench,
  SYNTHETIC_CORPORA,
  type SyntheticCorpusName,
} from '../../bench/decode/run.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  json?: string;
  html?: string;
  images?: string;
  corpus?: string;
  perCategory?: string;
  seed?: string;
  quick?: boolean;
  progress?: boolean;
  ablation?: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

export function registerBenchDecode({ bench }: CliGroups): void {
  bench
    .command('decode')
    .description(
      'decode/*: QR decoding of camera frames by ehc vs zxing-wasm, jsqr and @zxing/library on a synthetic corpus or a folder of images',
    )
    .option('--json <file>', 'write the results as JSON')
    .option('--html <file>', 'write an HTML report with charts')
    .option('--images <dir>', 'use a folder of real images (x.png + x.txt) as the one category "images"')
    .option(
      '--corpus <name>',
      `synthetic corpus: ${SYNTHETIC_CORPORA.join(' | ')} (hard: steep tilt, curvature, motion/disc blur, specular spots, occluded finder, mirrored, creases…)`,
    )
    .option('--per-category <n>', `synthetic samples per category (default ${DEFAULT_PER_CATEGORY})`)
    .option('--seed <s>', `corpus seed (default ${DEFAULT_SEED})`)
    .option('--quick', `tiny corpus (${QUICK_PER_CATEGORY} per category), for smoke tests`)
    .option('--ablation', 'also run ehc with each ladder attempt left out, and its first pass alone')
    .option('--progress', 'print progress to stderr')
    .action(async (o: Flags) => {
      const perCategory =
        o.perCategory !== undefined
          ? positiveInt('--per-category', o.perCategory)
          : o.quick
            ? QUICK_PER_CATEGORY
            : DEFAULT_PER_CATEGORY;
      const seed = o.seed === undefined ? DEFAULT_SEED : Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
      const corpus = (o.corpus ?? 'default') as SyntheticCorpusName;
      if (!SYNTHETIC_CORPORA.includes(corpus)) {
        throw new Error(`--corpus must be one of ${SYNTHETIC_CORPORA.join(', ')}`);
      }
      if (o.corpus !== undefined && o.images !== undefined)
        throw new Error('--corpus and --images exclude each other');
      const report = await runDecodeBench({
        perCategory,
        seed,
        corpus,
        ...(o.images === undefined ? {} : { imagesDir: o.images }),
        ...(o.ablation ? { decoders: [...(await benchDecoders()), ...ablationDecoders()] } : {}),
        ...(o.progress
          ? {
              onProgress: (done: number, total: number, category: string) => {
                process.stderr.write(`\r${done}/${total} ${category}        `);
                if (done === total) process.stderr.write('\n');
              },
            }
          : {}),
      });
      if (o.json !== undefined) writeJsonReport(o.json, report);
      if (o.html !== undefined) writeTextReport(o.html, renderHtmlReport(report));
      process.stdout.write(`${formatDecodeBench(report)}\n`);
      process.exitCode = EXIT.ok;
    });
}
