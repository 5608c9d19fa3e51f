import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderQr } from '../render/render.js';
import { decodeImageFile, loadImageFile } from './codecs.js';
import { decode, decodeFile, initDecoder } from './decoder.js';
import { isDecoderError } from './errors.js';
import { type Image, toRgba } from './image.js';

const TEXT = '272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58:1';
let dir: string;

function png(image: Image): Uint8Array {
  const p = new PNG({ width: image.width, height: image.height });
  p.data = Buffer.from(toRgba(image).data);
  return PNG.sync.write(p);
}

function jpeg(image: Image, quality = 85): Uint8Array {
  const rgba = toRgba(image);
  return encodeJpeg({ width: image.width, height: image.height, data: rgba.data }, quality).data;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ehc-codecs-'));
  await initDecoder();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('image files', () => {
  const code = renderQr(TEXT, { moduleSize: 4, ecLevel: 'M' });

  it('loads and decodes a PNG file', async () => {
    const path = join(dir, 'code.png');
    await writeFile(path, png(code));
    const image = await loadImageFile(path);
    expect(image).toMatchObject({ width: code.width, height: code.height, channels: 4 });
    const r = await decodeFile(path);
    expect(r.ok && r.text).toBe(TEXT);
  });

  it('loads and decodes a JPEG file', async () => {
    const path = join(dir, 'code.jpg');
    await writeFile(path, jpeg(code, 60));
    const r = await decodeFile(path);
    expect(r.ok && r.text).toBe(TEXT);
  });

  it('decodes file bytes passed to decode()', async () => {
    expect(await decode(png(code))).toMatchObject({ ok: true, text: TEXT });
    expect(await decode(jpeg(code))).toMatchObject({ ok: true, text: TEXT });
  });

  it('rejects corrupt, truncated and unknown files as values', () => {
    const good = png(code);
    const truncated = good.slice(0, 40);
    const corrupt = Uint8Array.from(good);
    corrupt.fill(0x55, 40, 200);
    for (const bytes of [
      truncated,
      corrupt,
      new TextEncoder().encode('GIF89a...'),
      jpeg(code).slice(0, 30),
    ]) {
      const r = decodeImageFile(bytes);
      expect(r.ok).toBe(false);
    }
  });

  it('refuses a PNG whose header claims a huge frame before allocating it', () => {
    const bytes = Uint8Array.from(png(code));
    const view = new DataView(bytes.buffer);
    view.setUint32(16, 60_000);
    view.setUint32(20, 60_000);
    const r = decodeImageFile(bytes);
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.error).toMatch(/size/);
  });

  it('throws DecoderError IMAGE_LOAD for a file that cannot be read', async () => {
    const e = await loadImageFile(join(dir, 'missing.png')).catch((x: unknown) => x);
    expect(isDecoderError(e) && e.code).toBe('IMAGE_LOAD');
    const e2 = await decodeFile(join(dir, 'missing.png')).catch((x: unknown) => x);
    expect(isDecoderError(e2) && e2.code).toBe('IMAGE_LOAD');
  });
});
