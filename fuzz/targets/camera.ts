/**
 * The camera decoder: image files (PNG/JPEG bytes, damaged) and raw frames (pixel buffers with
 * damaged pixels, wrong sizes, a buffer shorter than its dimensions). A clean rendered code
 * decodes to its text. Costly (each input runs the decode ladder), so it gets fewer inputs.
 */
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { decodeImageFile } from '../../firmware-sdk/decode/codecs.js';
import { decodeSync, initDecoder } from '../../firmware-sdk/decode/decoder.js';
import type { Image } from '../../firmware-sdk/decode/image.js';
import { renderQr } from '../../firmware-sdk/render/render.js';
import { damaged, hostileBytes } from '../mutate.js';
import { expectEqual, type FuzzTarget } from '../target.js';

const payloadArb = fc.stringMatching(/^[0-9A-F]{32}:0:[0-9A-F]{32}$/);

/**
 * PNG bytes of a grey image. A plain object goes to `PNG.sync.write`: `new PNG()` would build a
 * parser/packer stream pair that schedules a `process.nextTick` per image for nothing.
 */
function png(image: Image): Uint8Array {
  const data = Buffer.alloc(4 * image.width * image.height);
  for (let i = 0; i < image.width * image.height; i++) {
    const v = image.data[i]!;
    data[4 * i] = v;
    data[4 * i + 1] = v;
    data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return PNG.sync.write({ width: image.width, height: image.height, data, gamma: 0 } as PNG);
}

type Input =
  | { readonly kind: 'clean'; readonly text: string }
  | { readonly kind: 'file'; readonly bytes: Uint8Array }
  | { readonly kind: 'frame'; readonly image: Image };

const rendered = payloadArb.map((t) => renderQr(t, { moduleSize: 2 }));
const frameArb: fc.Arbitrary<Image> = fc.oneof(
  fc
    .tuple(rendered, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 400 }))
    .map(([img, hits]) => {
      const data = Uint8Array.from(img.data);
      for (const [at, v] of hits) data[at % data.length] = v;
      return { ...img, data };
    }),
  fc.record({
    width: fc.integer({ min: -2, max: 120 }),
    height: fc.integer({ min: -2, max: 120 }),
    channels: fc.constantFrom(1 as const, 4 as const),
    data: fc.uint8Array({ maxLength: 20_000 }),
  }),
);

export const camera: FuzzTarget<Input> = {
  name: 'camera-decode',
  what: 'camera decoder: image files and raw frames',
  cost: 25,
  async setup() {
    await initDecoder();
  },
  input: fc.oneof(
    fc.record({ kind: fc.constant('clean' as const), text: payloadArb }),
    fc.record({ kind: fc.constant('file' as const), bytes: hostileBytes(rendered.map(png), 2000) }),
    fc.record({ kind: fc.constant('file' as const), bytes: damaged(rendered.map(png)) }),
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('frame' as const), image: frameArb }) },
  ),
  run(input) {
    if (input.kind === 'clean') {
      const r = decodeSync(renderQr(input.text, { moduleSize: 2 }));
      expectEqual('clean render', r.ok ? r.text : r.error, input.text);
      return 'ok';
    }
    let image: Image;
    if (input.kind === 'file') {
      const f = decodeImageFile(input.bytes);
      if (!f.ok) return 'bad-file';
      image = f.value;
    } else image = input.image;
    const r = decodeSync(image, { budgetMs: 100 });
    return r.ok ? 'ok' : r.error.type;
  },
};
