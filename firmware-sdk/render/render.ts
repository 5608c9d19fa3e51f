/**
 * Renders a QR symbol for a payload into a grey (or RGBA) image. The module matrix comes from the
 * `qrcode` package (mode segmentation, masking, EC blocks); this file only rasterises it.
 */
import { create } from 'qrcode';
import type { GreyImage, Image } from '../decode/image.js';
import { toRgba } from '../decode/image.js';
import { RenderError } from './errors.js';

export type EcLevel = 'L' | 'M' | 'Q' | 'H';

export interface RenderOptions {
  /** Error-correction level (default `M`). */
  readonly ecLevel?: EcLevel;
  /** Pixels per module (default 4). Fractional sizes are anti-aliased by area coverage. */
  readonly moduleSize?: number;
  /** Quiet zone in modules on every side (default 4, the standard minimum). */
  readonly quietZone?: number;
  /** Grey level of dark modules (default 0) and of light modules and quiet zone (default 255). */
  readonly dark?: number;
  readonly light?: number;
  /** 1 for grey (default), 4 for RGBA. */
  readonly channels?: 1 | 4;
  /** Force a QR version (1–40); by default the smallest that fits. */
  readonly version?: number;
}

/** The symbol's module matrix: `size`×`size`, `true` for dark. */
export interface QrMatrix {
  readonly size: number;
  readonly version: number;
  readonly ecLevel: EcLevel;
  isDark(row: number, col: number): boolean;
}

/** Builds the module matrix. Strings are segmented by `qrcode` (EHC text is alphanumeric). */
export function qrMatrix(payload: string | Uint8Array, ecLevel: EcLevel = 'M', version?: number): QrMatrix {
  const data = typeof payload === 'string' ? payload : [{ mode: 'byte' as const, data: payload }];
  let qr: ReturnType<typeof create>;
  try {
    qr = create(data, { errorCorrectionLevel: ecLevel, ...(version === undefined ? {} : { version }) });
  } catch (cause) {
    throw new RenderError('RENDER_PAYLOAD', `payload does not fit a QR symbol at EC level ${ecLevel}`, cause);
  }
  const { size, data: bits } = qr.modules;
  return {
    size,
    version: qr.version,
    ecLevel,
    isDark: (row, col) => bits[row * size + col] === 1,
  };
}

/** Renders `payload` as a QR symbol image. */
export function renderQr(payload: string | Uint8Array, opts: RenderOptions = {}): Image {
  const matrix = qrMatrix(payload, opts.ecLevel ?? 'M', opts.version);
  const grey = rasterize(matrix, opts);
  return opts.channels === 4 ? toRgba(grey) : grey;
}

/** Rasterises a module matrix (see `RenderOptions` for the defaults). */
export function rasterize(matrix: QrMatrix, opts: RenderOptions = {}): GreyImage {
  const ms = opts.moduleSize ?? 4;
  const qz = opts.quietZone ?? 4;
  const dark = opts.dark ?? 0;
  const light = opts.light ?? 255;
  if (!(ms >= 1 && ms <= 64)) throw new RenderError('RENDER_OPTIONS', 'moduleSize must be within 1..64');
  if (!(Number.isInteger(qz) && qz >= 0 && qz <= 64)) {
    throw new RenderError('RENDER_OPTIONS', 'quietZone must be an integer within 0..64');
  }
  const modules = matrix.size + 2 * qz;
  const side = Math.ceil(modules * ms);
  const data = new Uint8Array(side * side);
  // Per axis: for each pixel, the module it mostly covers and the coverage split when it
  // straddles two modules (fractional module sizes).
  const idx0 = new Int32Array(side);
  const cover0 = new Float32Array(side);
  for (let p = 0; p < side; p++) {
    const a = p / ms;
    const b = (p + 1) / ms;
    const m = Math.floor(a);
    idx0[p] = m;
    cover0[p] = Math.min(1, (Math.min(b, m + 1) - a) * ms);
  }
  const darkAt = (r: number, c: number): number => {
    const mr = r - qz;
    const mc = c - qz;
    if (mr < 0 || mc < 0 || mr >= matrix.size || mc >= matrix.size) return 0;
    return matrix.isDark(mr, mc) ? 1 : 0;
  };
  for (let y = 0; y < side; y++) {
    const r = idx0[y]!;
    const cy = cover0[y]!;
    for (let x = 0; x < side; x++) {
      const c = idx0[x]!;
      const cx = cover0[x]!;
      let coverage = darkAt(r, c) * cy * cx;
      if (cx < 1) coverage += darkAt(r, c + 1) * cy * (1 - cx);
      if (cy < 1) {
        coverage += darkAt(r + 1, c) * (1 - cy) * cx;
        if (cx < 1) coverage += darkAt(r + 1, c + 1) * (1 - cy) * (1 - cx);
      }
      data[y * side + x] = Math.round(light + (dark - light) * coverage);
    }
  }
  return { width: side, height: side, channels: 1, data };
}
