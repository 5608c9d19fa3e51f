/**
 * The baselines, each with its documented best options and fed its native input format
 * (prepared outside the timed region):
 * - `zxing-wasm (QR only, plain text)` — the headline, like for like with ours (which reads QR only,
 *   in plain text mode): `readBarcodes(imageData)` with `formats: ['QRCode']`, `textMode: 'Plain'`
 *   and the other reader options at their defaults (tryHarder, tryRotate, tryInvert, tryDownscale);
 *   the same locally loaded module as ours.
 * - `zxing-wasm (all formats, plain text)`: the same with every format enabled (zxing-wasm's
 *   default), a second, labelled row showing what scanning for every format costs.
 * Restricted to QR: both QR-only rows above, `jsqr` (QR-only by design) and `@zxing/library`
 * (`QRCodeReader` + `POSSIBLE_FORMATS`); only the all-formats zxing-wasm row is not, on purpose.
 * - `jsqr`: RGBA with `inversionAttempts: 'attemptBoth'`, a fresh options object every call
 *   (jsQR mutates the options it is given).
 * - `@zxing/library`: `QRCodeReader` with `TRY_HARDER` and `POSSIBLE_FORMATS: [QR_CODE]` over a
 *   `HybridBinarizer` on an `RGBLuminanceSource` built from the grey buffer.
 * jsqr and @zxing/library are development dependencies: they are imported only when a benchmark
 * runs (`loadBaselines`), so the `ehc` binary starts without them.
 */
import { type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';
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

/** The baseline speed ratios are stated against (see `speedRatios`). */
export const HEADLINE_BASELINE = 'zxing-wasm (QR only, plain text)';
export const ZXING_WASM_ALL_FORMATS = 'zxing-wasm (all formats, plain text)';

/** The reader options of the headline baseline (QR only, plain text). */
export const ZXING_WASM_QR_OPTIONS: ReaderOptions = { formats: ['QRCode'], textMode: 'Plain' };
/** The reader options of the all-formats row: `formats: []` is zxing-wasm's "every format". */
export const ZXING_WASM_ALL_OPTIONS: ReaderOptions = { formats: [], textMode: 'Plain' };

export function zxingWasmBaseline(
  name: string,
  options: ReaderOptions,
  read: typeof readBarcodes = readBarcodes,
): BenchDecoder<ImageDataLike> {
  return {
    name,
    role: 'baseline',
    prepare: (image) => ({
      data: toRgba(image).data,
      width: image.width,
      height: image.height,
      colorSpace: 'srgb',
    }),
    read: async (input) => {
      const results = await read(input as unknown as ReadInput, options);
      return { text: (results.find((r) => r.format === 'QRCode') ?? results[0])?.text };
    },
  };
}

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

/** The baselines, in report order (headline first) (loads jsqr and @zxing/library on first call). */
export async function loadBaselines(): Promise<BenchDecoder[]> {
  const [jsqrModule, zx] = await Promise.all([import('jsqr'), import('@zxing/library')]);
  // jsqr is CommonJS with a `default` export: under Node's ESM interop `default` is the module.
  const d = jsqrModule.default as unknown;
  const jsQR = (typeof d === 'function' ? d : (d as { default: JsQr }).default) as JsQr;
  return [
    zxingWasmBaseline(HEADLINE_BASELINE, ZXING_WASM_QR_OPTIONS) as BenchDecoder,
    zxingWasmBaseline(ZXING_WASM_ALL_FORMATS, ZXING_WASM_ALL_OPTIONS) as BenchDecoder,
    jsqrBaseline(jsQR) as BenchDecoder,
    zxingLibraryBaseline(zx) as BenchDecoder,
  ];
}
