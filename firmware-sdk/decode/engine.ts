/**
 * The zxing-cpp engine (zxing-wasm's reader build), loaded from the `.wasm` inside the installed
 * package and never fetched: zxing-wasm's default `locateFile` points at a CDN, even in Node, so
 * the binary is read from disk, checked against the package's SHA-256, and handed over as
 * `wasmBinary`. Once loaded, a read is a synchronous call on a grey buffer in wasm memory (no
 * RGBA round trip, unlike `readBarcodes(ImageData)`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  BINARIZERS,
  type Binarizer,
  CHARACTER_SETS,
  CONTENT_TYPES,
  type ContentType,
  EAN_ADD_ON_SYMBOLS,
  encodeFormats,
  prepareZXingModule,
  TEXT_MODES,
  ZXING_WASM_SHA256,
  type ZXingReaderModule,
  type ZXingReaderOptions,
  type ZXingReadResult,
} from 'zxing-wasm/reader';
import { DecoderError } from './errors.js';
import type { GreyImage } from './image.js';

export interface EngineLoadOptions {
  /** The reader `.wasm` bytes (e.g. bundled in firmware); by default read from the package. */
  readonly wasmBinary?: Uint8Array;
  /** Or a path to it. */
  readonly wasmPath?: string;
}

/** One zxing-cpp pass. Every pass reads QR codes only. */
export interface EnginePass {
  readonly tryHarder: boolean;
  readonly tryInvert: boolean;
  readonly tryDownscale: boolean;
  readonly binarizer: Binarizer;
  readonly tryDenoise?: boolean;
  readonly downscaleThreshold?: number;
  readonly downscaleFactor?: number;
  /** Also return symbols found but not decoded (their position, for a retry); default false. */
  readonly returnErrors?: boolean;
}

/**
 * A code the engine read: its text in zxing-cpp's plain text mode (the characters the code
 * holds, never a rendering such as `<GS>` or `(01)`), the raw bytes, the content type, metadata.
 */
export interface EngineHit {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly contentType: ContentType;
  readonly ecLevel: string;
  readonly inverted: boolean;
  readonly position: ZXingReadResult['position'];
}

/** The Emscripten heap API of the module (its type package is not installed here). */
interface WasmHeap {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  readonly HEAPU8: Uint8Array;
}

let loading: Promise<ZXingReaderModule> | undefined;
let loaded: ZXingReaderModule | undefined;

/** Path of the reader `.wasm` shipped in the installed zxing-wasm package. */
export function packagedWasmPath(): string {
  return createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
}

async function load(opts: EngineLoadOptions): Promise<ZXingReaderModule> {
  let binary: Uint8Array;
  const path = opts.wasmPath ?? (opts.wasmBinary === undefined ? packagedWasmPath() : undefined);
  try {
    binary = opts.wasmBinary ?? (await readFile(path as string));
  } catch (cause) {
    throw new DecoderError('DECODER_WASM_MISSING', 'cannot read the zxing reader .wasm file', cause);
  }
  const digest = createHash('sha256').update(binary).digest('hex');
  if (digest !== ZXING_WASM_SHA256) {
    throw new DecoderError(
      'DECODER_WASM_MISMATCH',
      "the zxing reader .wasm does not match zxing-wasm's build",
    );
  }
  const wasmBinary = binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength);
  try {
    return await prepareZXingModule({
      // Both overrides keep the CDN out: the binary is given, and any file lookup stays local.
      overrides: { wasmBinary: wasmBinary as ArrayBuffer, locateFile: (file: string) => file },
      fireImmediately: true,
    });
  } catch (cause) {
    throw new DecoderError('DECODER_INIT', 'the zxing reader module failed to instantiate', cause);
  }
}

/** Loads the engine once per process (later calls share the same module). */
export async function loadEngine(opts: EngineLoadOptions = {}): Promise<ZXingReaderModule> {
  if (loaded !== undefined) return loaded;
  loading ??= load(opts).then(
    (m) => {
      loaded = m;
      return m;
    },
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** The loaded module, or `undefined` before `loadEngine` resolved. */
export function engineIfLoaded(): ZXingReaderModule | undefined {
  return loaded;
}

/**
 * QR Code proper (models 1 and 2). zxing-wasm's `QRCode` is the whole family, Micro QR and rMQR
 * included; a Micro QR M1 symbol has no error correction at all, and the ladder's binarised,
 * upscaled frames made one out of module texture (a 6-digit misread on a curved code).
 */
const QR_FORMATS = encodeFormats(['QRCodeModel1', 'QRCodeModel2']);

/** Plain: the code's own characters (control characters, GS1 separators and all). */
export const ENGINE_TEXT_MODE = 'Plain' as const;

function toOptions(pass: EnginePass): ZXingReaderOptions {
  return {
    formats: QR_FORMATS,
    tryHarder: pass.tryHarder,
    tryRotate: false, // QR detection is rotation invariant; rotating only helps linear codes
    tryInvert: pass.tryInvert,
    tryDownscale: pass.tryDownscale,
    tryDenoise: pass.tryDenoise ?? false,
    binarizer: BINARIZERS.indexOf(pass.binarizer),
    isPure: false,
    downscaleThreshold: pass.downscaleThreshold ?? 500,
    downscaleFactor: pass.downscaleFactor ?? 3,
    minLineCount: 2,
    maxNumberOfSymbols: 1,
    validateOptionalChecksum: false,
    returnErrors: pass.returnErrors ?? false,
    eanAddOnSymbol: EAN_ADD_ON_SYMBOLS.indexOf('Ignore'),
    textMode: TEXT_MODES.indexOf(ENGINE_TEXT_MODE),
    characterSet: CHARACTER_SETS.indexOf('Unknown'),
    tryCode39ExtendedMode: true,
  };
}

/** Runs one pass over a grey image. Synchronous; the module must be loaded. */
export function readGrey(
  zxing: ZXingReaderModule,
  image: GreyImage,
  pass: EnginePass,
): EngineHit | undefined {
  const hit = scanGrey(zxing, image, { ...pass, returnErrors: false });
  return hit?.valid ? hit.hit : undefined;
}

/**
 * Where a QR symbol is that the engine found but could not decode (checksum or format errors:
 * a warped or damaged symbol), from a pass with `returnErrors`; `undefined` when it found none
 * or decoded one (then `readGrey` is the call to make).
 */
export function locateGrey(
  zxing: ZXingReaderModule,
  image: GreyImage,
  pass: EnginePass,
): ZXingReadResult['position'] | undefined {
  const found = scanGrey(zxing, image, { ...pass, returnErrors: true });
  return found === undefined || found.valid ? undefined : found.hit.position;
}

function scanGrey(
  zxing: ZXingReaderModule,
  image: GreyImage,
  pass: EnginePass,
): { valid: boolean; hit: EngineHit } | undefined {
  const module = zxing as ZXingReaderModule & WasmHeap;
  const n = image.width * image.height;
  const ptr = module._malloc(n);
  if (!ptr) throw new RangeError(`cannot allocate ${n} bytes in wasm memory`);
  let results: ReturnType<ZXingReaderModule['readBarcodesFromPixmap']>;
  try {
    module.HEAPU8.set(image.data, ptr);
    results = module.readBarcodesFromPixmap(ptr, image.width, image.height, toOptions(pass));
  } finally {
    module._free(ptr);
  }
  try {
    let invalid: EngineHit | undefined;
    for (let i = 0; i < results.size(); i++) {
      const r = results.get(i);
      if (r === undefined) continue;
      const hit: EngineHit = {
        text: r.isValid ? r.text : '',
        bytes: r.isValid ? new Uint8Array(r.bytes) : new Uint8Array(0),
        contentType: CONTENT_TYPES[r.contentType] ?? 'Text',
        ecLevel: r.ecLevel,
        inverted: r.isInverted,
        position: r.position,
      };
      if (r.isValid) return { valid: true, hit };
      invalid ??= hit;
    }
    return invalid === undefined ? undefined : { valid: false, hit: invalid };
  } finally {
    results.delete();
  }
}
