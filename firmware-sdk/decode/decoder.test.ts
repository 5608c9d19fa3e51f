import { beforeAll, describe, expect, it } from 'vitest';
import { degradeAll } from '../render/degrade.js';
import { type EcLevel, renderQr } from '../render/render.js';
import { decode, decodeSync, initDecoder } from './decoder.js';
import { createGrey, toRgba } from './image.js';
import { LADDER } from './ladder.js';

const EHC =
  '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33:0:07EDF114B1651BA63D112011E74C1EC3';

beforeAll(async () => {
  const info = await initDecoder();
  expect(info.loadMs).toBeGreaterThanOrEqual(0);
});

describe('decode', () => {
  it.each(['L', 'M', 'Q', 'H'] as EcLevel[])('reads a rendered EHC code at EC level %s', async (ecLevel) => {
    const r = await decode(renderQr(EHC, { ecLevel, moduleSize: 3 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.text).toBe(EHC);
    expect(r.ecLevel).toBe(ecLevel);
    expect(r.via).toBe('zxing');
    expect(r.attempts).toBe(1);
    expect(new TextDecoder().decode(r.bytes)).toBe(EHC);
  });

  it('returns the exact bytes of a binary payload', async () => {
    const payload = Uint8Array.from([0x00, 0xff, 0x80, 0x1b, 0x7f, 0xc3, 0x28, 0x0a, 0x41]);
    const r = await decode(renderQr(payload, { moduleSize: 4 }));
    expect(r.ok && [...r.bytes]).toEqual([...payload]);
  });

  // Issue 15 item 2: plain text mode. In HRI/escaped mode zxing-cpp renders 0x01 as `<SOH>` and
  // 0x1D as `<GS>`; a scanner must deliver the characters the code holds.
  it('returns control characters and GS separators unchanged (plain text, not a rendering)', async () => {
    const text = '\u0001EHC\u001d0104012345678901\u001d10ABC\u0004';
    const r = await decode(renderQr(text, { ecLevel: 'M', moduleSize: 4 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.text).toBe(text);
    expect(r.text).not.toContain('<');
    expect([...r.bytes]).toEqual([...new TextEncoder().encode(text)]);
    expect(r.contentType).toBe('Mixed'); // zxing-cpp: text with control characters
  });

  it('reports binary content with its exact bytes', async () => {
    const payload = Uint8Array.from([0x00, 0xff, 0x80, 0x1b, 0x7f, 0xc3, 0x28, 0x0a, 0x41]);
    const r = await decode(renderQr(payload, { moduleSize: 4 }));
    expect(r.ok && r.contentType).toBe('Binary');
  });

  it('reads a Chinese UTF-8 payload as text and bytes', async () => {
    const text = '电子健康卡:张三:5100A0013';
    const r = await decode(renderQr(text, { ecLevel: 'Q', moduleSize: 4 }));
    expect(r.ok && r.text).toBe(text);
    expect(r.ok && [...r.bytes]).toEqual([...new TextEncoder().encode(text)]);
  });

  it('accepts raw grey, RGBA and Uint8ClampedArray buffers alike', () => {
    const grey = renderQr(EHC, { moduleSize: 3 });
    const rgba = toRgba(grey);
    const clampedGrey = { ...grey, data: new Uint8ClampedArray(grey.data) };
    for (const image of [grey, rgba, clampedGrey]) {
      const r = decodeSync(image);
      expect(r.ok && r.text).toBe(EHC);
    }
    expect(rgba.channels).toBe(4);
  });

  it('treats transparent RGBA pixels as white paper', () => {
    const rgba = toRgba(renderQr(EHC, { moduleSize: 3 }));
    // Light pixels become transparent black, as in a QR exported on a transparent background.
    for (let i = 0; i < rgba.data.length; i += 4) {
      if (rgba.data[i] === 255) rgba.data.set([0, 0, 0, 0], i);
    }
    expect(decodeSync(rgba).ok).toBe(true);
  });

  it('reports the position in input coordinates', () => {
    const code = renderQr(EHC, { moduleSize: 3, quietZone: 4 });
    const framed = degradeAll(
      code,
      [{ kind: 'frame', params: { width: 400, height: 300, x: 100, y: 50 } }],
      1,
    );
    const r = decodeSync(framed);
    expect(r.ok).toBe(true);
    if (!r.ok || r.position === undefined) return;
    const quiet = 4 * 3;
    expect(r.position.topLeft.x).toBeCloseTo(100 + quiet, -1);
    expect(r.position.topLeft.y).toBeCloseTo(50 + quiet, -1);
  });

  it('escalates through the ladder for a noisy frame, and maps positions back from half size', () => {
    const code = renderQr(EHC, { ecLevel: 'H', moduleSize: 4 });
    const frame = degradeAll(
      code,
      [
        { kind: 'frame', params: { width: 640, height: 480, x: 200, y: 120 } },
        { kind: 'noise', params: { sigma: 70, saltPepper: 0.03 } },
      ],
      7,
    );
    const first = decodeSync(frame, { attempts: ['zxing'] });
    expect(first).toMatchObject({ ok: false, attempts: 1, error: { type: 'not-found' } });
    const r = decodeSync(frame, { budgetMs: Number.POSITIVE_INFINITY });
    expect(r.ok).toBe(true);
    if (!r.ok || r.position === undefined) return;
    expect(r.via).not.toBe('zxing');
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.position.topLeft.x).toBeGreaterThan(200);
    expect(r.position.bottomRight.x).toBeLessThan(200 + code.width);
  });

  it('stops escalating when the budget is spent', () => {
    const blank = createGrey(640, 480, 128);
    const all = decodeSync(blank, { budgetMs: Number.POSITIVE_INFINITY });
    expect(all).toMatchObject({ ok: false, error: { type: 'not-found' }, attempts: LADDER.length });
    const none = decodeSync(blank, { budgetMs: 0 });
    expect(none).toMatchObject({ ok: false, attempts: 1 });
  });

  it('returns bad-image for malformed input instead of throwing', async () => {
    const cases: unknown[] = [
      null,
      { width: 10, height: 10, channels: 1, data: new Uint8Array(99) },
      { width: 0, height: 10, channels: 1, data: new Uint8Array(0) },
      { width: 2, height: 2, channels: 3, data: new Uint8Array(12) },
      { width: 2, height: 2, channels: 1, data: [0, 0, 0, 0] },
    ];
    for (const c of cases) {
      expect(decodeSync(c as never)).toMatchObject({ ok: false, error: { type: 'bad-image' } });
    }
    expect(await decode(Uint8Array.from([1, 2, 3]))).toMatchObject({
      ok: false,
      error: { type: 'bad-image' },
    });
  });
});
