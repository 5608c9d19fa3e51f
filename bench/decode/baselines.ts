/**
 * The baselines, each with its documented best options and fed its native input format
 * (prepared outside the timed region):
 * - `zxing-wasm`: `readBarcodes(imageData)` with default reader options (all formats, tryHarder,
 *   tryRotate, tryInvert, tryDownscale); the same locally loaded module as ours.
 * - `jsqr`: RGBA with `inversionAttempts: 'attemptBoth'`, a fresh options object every call
 *   (jsQR mutates the options it is given).
 * - `@zxing/library`: `QRCodeReader` with `TRY_HARDER` and `POSSIBLE_FORMATS: [QR_CODE]` over a
 *   `HybridBinarizer` on an `RGBLuminanceSource` built from the grey buffer.
 * jsqr and @zxing/library are development dependencies: they are imported only when a benchmark
 * runs (`loadBaselines`), so the `ehc` binary starts without them.
 */
import { readBarcodes } from 'zxing-wasm/reader';
import type { GreyImage } from '../../firmware-sdk/decode/image.js';
import { toRgba } from '../../firmware-sdk/decode/image.js';

/** What one timed read produced: the text (if any) and, for ours, which attempt read it. */
export interface ReadOutcome {
  readonly text: string | undefined;
  readonly via?: string;
}

/** A decoder under test: `prepare` is untimed input conversion, `read` is what gets timed. */
export interface BenchDecoder<I = unknown> {
  readonly name: string;
  /** `subject`: the decoder the targets are about; `baseline`: counted in the union; `variant`: extra. */
  readonly role: 'subject' | 'baseline' | 'variant';
  prepare(image: GreyImage): I;
  /** Never throws for a failed read: `text` is then `undefined`. */
  read(input: I): Promise<ReadOutcome> | ReadOutcome;
}

type ImageDataLike = { data: Uint8ClampedArray; width: number; height: number; colorSpace: 'srgb' };
type ReadInput = Parameters<typeof readBarcodes>[0];

export const zxingWasmBaseline: BenchDecoder<ImageDataLike> = {
  name: 'zxing-wasm',
  role: 'baseline',
  prepare: (image) => ({
    data: toRgba(image).data,
    width: image.width,
    height: image.height,
    colorSpace: 'srgb',
  }),
  read: async (input) => {
    const results = await readBarcodes(input as unknown as ReadInput);
    return { text: (results.find((r) => r.format === 'QRCode') ?? results[0])?.text };
  },
};

type JsQr = (
  data: Uint8ClampedArray,
  w: number,
  h: number,
  o: { inversionAttempts: 'attemptBoth' },
) => { data: string } | null;

type Rgba = { data: Uint8ClampedArray; width: number; height: number };

function jsqrBaseline(jsQR: JsQr): BenchDecoder<Rgba> {
  return {
    name: 'jsqr',
    role: 'baseline',
    prepare: (image) => ({ data: toRgba(image).data, width: image.width, height: image.height }),
    read: (input) => ({
      text: jsQR(input.data, input.width, input.height, { inversionAttempts: 'attemptBoth' })?.data,
    }),
  };
}

type Luma = { data: Uint8ClampedArray; width: number; height: number };
type ZxingLibrary = typeof import('@zxing/library');

function zxingLibraryBaseline(zx: ZxingLibrary): BenchDecoder<Luma> {
  return {
    name: '@zxing/library',
    role: 'baseline',
    prepare: (image) => ({
      data: new Uint8ClampedArray(image.data),
      width: image.width,
      height: image.height,
    }),
    read: (input) => {
      const hints = new Map<number, unknown>([
        [zx.DecodeHintType.TRY_HARDER, true],
        [zx.DecodeHintType.POSSIBLE_FORMATS, [zx.BarcodeFormat.QR_CODE]],
      ]);
      const source = new zx.RGBLuminanceSource(input.data, input.width, input.height);
      const bitmap = new zx.BinaryBitmap(new zx.HybridBinarizer(source));
      try {
        return { text: new zx.QRCodeReader().decode(bitmap, hints).getText() };
      } catch {
        // NotFound / Checksum / Format exceptions: this library's way of saying "no code".
        return { text: undefined };
      }
    },
  };
}

/** The three baselines, in report order (loads jsqr and @zxing/library on first call). */
export async function loadBaselines(): Promise<BenchDecoder[]> {
  const [jsqrModule, zx] = await Promise.all([import('jsqr'), import('@zxing/library')]);
  // jsqr is CommonJS with a `default` export: under Node's ESM interop `default` is the module.
  const d = jsqrModule.default as unknown;
  const jsQR = (typeof d === 'function' ? d : (d as { default: JsQr }).default) as JsQr;
  return [
    zxingWasmBaseline as BenchDecoder,
    jsqrBaseline(jsQR) as BenchDecoder,
    zxingLibraryBaseline(zx) as BenchDecoder,
  ];
}
