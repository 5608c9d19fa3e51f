// The decode benchmark end to end on a tiny corpus: the CLI writes JSON of the documented shape
// and an HTML report; a folder of images becomes the one category `images`. Structure only: a
// benchmark never asserts speed or success rates in tests.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLINE_BASELINE, ZXING_WASM_QR_OPTIONS, zxingWasmBaseline } from '../../bench/decode/baselines.js';
import { CATEGORIES, makeSample } from '../../bench/decode/corpus.js';
import { HARD_CATEGORIES, makeHardSample } from '../../bench/decode/corpus-hard.js';
import { ehcDecoder } from '../../bench/decode/decoders.js';
import { runDecodeBench } from '../../bench/decode/run.js';
import { buildProgram } from '../../cli/program.js';
import { toRgba } from '../../firmware-sdk/decode/image.js';

const DECODERS = [
  'ehc',
  'zxing-wasm (QR only, plain text)',
  'zxing-wasm (all formats, plain text)',
  'jsqr',
  '@zxing/library',
];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ehc-bench-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectCell(cell: unknown, n: number): void {
  expect(cell).toEqual(
    expect.objectContaining({
      ok: expect.any(Number),
      n,
      misreads: expect.any(Number),
      medianMs: expect.any(Number),
      p95Ms: expect.any(Number),
    }),
  );
  const c = cell as { ok: number; misreads: number; medianMs: number; p95Ms: number };
  expect(c.ok + c.misreads).toBeLessThanOrEqual(n);
  expect(c.p95Ms).toBeGreaterThanOrEqual(c.medianMs);
}

describe('ehc bench decode', () => {
  it('--quick writes JSON of the documented shape and an HTML report', async () => {
    const json = join(dir, 'decode.json');
    const html = join(dir, 'decode.html');
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await buildProgram().parseAsync([
        'node',
        'ehc',
        'bench',
        'decode',
        '--quick',
        '--json',
        json,
        '--html',
        html,
      ]);
    } finally {
      process.stdout.write = write;
    }
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.decoders).toEqual(DECODERS);
    expect(Object.keys(report.categories)).toEqual([...CATEGORIES]);
    for (const category of CATEGORIES) {
      expect(Object.keys(report.categories[category])).toEqual(DECODERS);
      for (const d of DECODERS) expectCell(report.categories[category][d], 1);
    }
    expectCell(report.overall.ehc, CATEGORIES.length);
    expect(report.targets).toHaveProperty('atLeastUnion');
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(2);
    expect(page).not.toMatch(/<(script|link|img)[\s>]/);
    for (const category of CATEGORIES) expect(page).toContain(`<th>${category}</th>`);
    expect(out.join('')).toContain('overall');
  });

  it('turns a folder of images with expected texts into the one category "images"', async () => {
    const folder = join(dir, 'images');
    await mkdir(folder);
    const a = makeSample('nominal', 0, 5);
    const b = makeSample('blur', 0, 5);
    const png = new PNG({ width: a.image.width, height: a.image.height });
    png.data = Buffer.from(toRgba(a.image).data);
    await writeFile(join(folder, 'a.png'), PNG.sync.write(png));
    await writeFile(join(folder, 'a.txt'), `${a.expected}\n`);
    const rgba = toRgba(b.image);
    await writeFile(
      join(folder, 'b.jpg'),
      encodeJpeg({ width: b.image.width, height: b.image.height, data: rgba.data }, 90).data,
    );
    await writeFile(join(folder, 'b.txt'), b.expected);
    await writeFile(join(folder, 'orphan.png'), PNG.sync.write(png));
    const report = await runDecodeBench({ imagesDir: folder });
    expect(Object.keys(report.categories)).toEqual(['images']);
    for (const d of DECODERS) expectCell(report.categories.images?.[d], 2);
    expect(report.meta.skipped).toEqual([
      { file: 'orphan.png', reason: 'no orphan.txt with the expected text' },
    ]);
  });

  it('builds the same synthetic sample for the same seed, and a different one for another seed', () => {
    const a = makeSample('screen-moire', 3, 77);
    expect(makeSample('screen-moire', 3, 77).image.data).toEqual(a.image.data);
    expect(makeSample('screen-moire', 3, 78).image.data).not.toEqual(a.image.data);
  });

  it('runs the hard corpus as its own category set, ours and the QR-only baseline side by side', async () => {
    const report = await runDecodeBench({
      corpus: 'hard',
      perCategory: 1,
      decoders: [ehcDecoder(), zxingWasmBaseline(HEADLINE_BASELINE, ZXING_WASM_QR_OPTIONS)] as never,
    });
    expect(Object.keys(report.categories)).toEqual([...HARD_CATEGORIES]);
    for (const category of HARD_CATEGORIES) {
      for (const d of ['ehc', HEADLINE_BASELINE]) expectCell(report.categories[category]?.[d], 1);
    }
    expect(report.meta).toMatchObject({ corpus: 'synthetic', set: 'hard', samples: HARD_CATEGORIES.length });
    const a = makeHardSample('crease', 2, 77);
    expect(makeHardSample('crease', 2, 77).image.data).toEqual(a.image.data);
    expect(makeHardSample('crease', 2, 78).image.data).not.toEqual(a.image.data);
  });
});
