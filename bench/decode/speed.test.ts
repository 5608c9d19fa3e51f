import { describe, expect, it } from 'vitest';
import {
  HEADLINE_BASELINE,
  loadBaselines,
  ZXING_WASM_ALL_FORMATS,
  ZXING_WASM_QR_OPTIONS,
  zxingWasmBaseline,
} from './baselines.js';
import { speedRatios } from './speed.js';

describe('zxing-wasm baselines', () => {
  it('runs the headline baseline with QR only and plain text, and keeps all formats as a labelled row', async () => {
    const names = (await loadBaselines()).map((d) => d.name);
    expect(names[0]).toBe(HEADLINE_BASELINE);
    expect(names).toContain(ZXING_WASM_ALL_FORMATS);
    expect(names).not.toContain('zxing-wasm');
    const seen: unknown[] = [];
    const fake = (async (_input: unknown, options: unknown) => {
      seen.push(options);
      return [];
    }) as unknown as Parameters<typeof zxingWasmBaseline>[2];
    const d = zxingWasmBaseline(HEADLINE_BASELINE, ZXING_WASM_QR_OPTIONS, fake);
    await d.read(d.prepare({ data: new Uint8Array(4), width: 2, height: 2 } as never));
    expect(seen).toEqual([{ formats: ['QRCode'], textMode: 'Plain' }]);
  });
});

describe('speedRatios', () => {
  it('computes ratios per category and overall from the same samples', () => {
    const r = speedRatios(
      {
        a: { ehc: [1, 2, 3], zx: [2, 4, 6] },
        b: { ehc: [9, 1, 1], zx: [3, 10, 1] },
      },
      'ehc',
      ['zx'],
    );
    expect(r.categories.a?.zx).toEqual({ baseline: 'zx', samples: 3, ofMedians: 0.5, pairedMedian: 0.5 });
    // medians 1 / 3; paired ratios 3, 0.1, 1 → median 1
    expect(r.categories.b?.zx).toEqual({ baseline: 'zx', samples: 3, ofMedians: 0.333, pairedMedian: 1 });
    expect(r.overall.zx?.samples).toBe(6);
  });
});
