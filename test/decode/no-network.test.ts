// The decoder's .wasm comes from the installed package, never from the network: zxing-wasm's own
// default would fetch it from a CDN even in Node. This file runs in its own process (vitest
// forks), so the engine starts unloaded here.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareZXingModule, purgeZXingModule } from 'zxing-wasm/reader';
import { decode, decodeSync, initDecoder } from '../../firmware-sdk/decode/decoder.js';
import { createGrey } from '../../firmware-sdk/decode/image.js';
import { renderQr } from '../../firmware-sdk/render/render.js';

const fetchStub = vi.fn((url: unknown) => {
  throw new Error(`network access attempted: ${String(url)}`);
});
const realFetch = globalThis.fetch;

beforeAll(() => {
  globalThis.fetch = fetchStub as unknown as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('decoder without network', () => {
  it('reports not-ready before initDecoder', () => {
    expect(decodeSync(createGrey(10, 10))).toMatchObject({ ok: false, error: { type: 'not-ready' } });
  });

  it("zxing-wasm's default loader does try the network (so the stub below is meaningful)", async () => {
    purgeZXingModule();
    // Emscripten logs its failed fetches; keep the test output clean.
    const quiet = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')].map((s) =>
      s.mockImplementation(() => {}),
    );
    await expect(prepareZXingModule({ fireImmediately: true })).rejects.toThrow();
    for (const s of quiet) s.mockRestore();
    expect(fetchStub).toHaveBeenCalled();
    expect(String(fetchStub.mock.calls[0]?.[0])).toMatch(/^https:\/\/.*zxing_reader\.wasm$/);
    purgeZXingModule();
    fetchStub.mockClear();
  });

  it('initialises, warms up and decodes with fetch throwing, never calling it', async () => {
    const info = await initDecoder();
    expect(info.warmupMs).toBeGreaterThan(0);
    const text = '272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58:1';
    const r = await decode(renderQr(text, { moduleSize: 3 }));
    expect(r).toMatchObject({ ok: true, text });
    expect(fetchStub).not.toHaveBeenCalled();
  });
});
