import { create } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { isRenderError } from './errors.js';
import { qrMatrix, rasterize, renderQr } from './render.js';

const EHC = '6836D27C966E1C1BB192F050778358E4AA0208EFBA111FC5CB90AD689124A19B:1::5100A0013';

describe('renderQr', () => {
  it('rasterises the qrcode matrix with the quiet zone and module size asked for', () => {
    const img = renderQr(EHC, { ecLevel: 'H', moduleSize: 3, quietZone: 2 });
    const qr = create(EHC, { errorCorrectionLevel: 'H' });
    const n = qr.modules.size;
    expect(img).toMatchObject({ width: (n + 4) * 3, height: (n + 4) * 3, channels: 1 });
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const px = img.data[((r + 2) * 3 + 1) * img.width + (c + 2) * 3 + 1];
        expect(px).toBe(qr.modules.get(r, c) ? 0 : 255);
      }
    }
    expect(img.data[0]).toBe(255);
  });

  it('grows the symbol with the EC level', () => {
    const sizes = (['L', 'M', 'Q', 'H'] as const).map((ec) => qrMatrix(EHC, ec).size);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[3]).toBeGreaterThan(sizes[0]!);
  });

  it('anti-aliases fractional module sizes by coverage', () => {
    const m = qrMatrix('A', 'L');
    const img = rasterize(m, { moduleSize: 2.5, quietZone: 0 });
    expect(img.width).toBe(Math.ceil(m.size * 2.5));
    // Pixels straddling a dark and a light module get an intermediate grey.
    const values = new Set(img.data);
    expect([...values].some((v) => v !== 0 && v !== 255)).toBe(true);
  });

  it('renders RGBA and custom grey levels', () => {
    const img = renderQr('EHC', { channels: 4, dark: 40, light: 220, moduleSize: 2 });
    expect(img.channels).toBe(4);
    expect(new Set(img.data)).toEqual(new Set([40, 220, 255]));
  });

  it('throws RenderError for payloads that do not fit and for bad options', () => {
    expect(() => renderQr('x'.repeat(5000))).toThrow(expect.objectContaining({ code: 'RENDER_PAYLOAD' }));
    for (const opts of [{ moduleSize: 0 }, { moduleSize: 100 }, { quietZone: -1 }, { quietZone: 1.5 }]) {
      let caught: unknown;
      try {
        renderQr('EHC', opts);
      } catch (e) {
        caught = e;
      }
      expect(isRenderError(caught) && caught.code).toBe('RENDER_OPTIONS');
    }
  });
});
