import { decode } from '../../decode/decoder.js';
import { type DegradeStep, degradeAll } from '../../render/degrade.js';
import { type RenderOptions, renderQr } from '../../render/render.js';
import type { SymbolDecoder } from './hal.js';

/**
 * A camera for the virtual terminal: the shown payload is rendered as a real QR code, degraded
 * as a phone screen in front of a kiosk camera degrades it (rotation, blur, glare, moiré …), and
 * read back by the real decoder (firmware-sdk/decode). What reaches the host is what the decoder
 * read — or nothing, when it could not read the frame (counted as a decode failure).
 */
export interface CameraOptions {
  readonly render?: RenderOptions;
  readonly degrade?: readonly DegradeStep[];
  /** Seed of the degradations; each presentation uses seed + its index, so frames differ. */
  readonly seed?: number;
}

export function cameraDecoder(options: CameraOptions = {}): SymbolDecoder {
  let shown = 0;
  return async (request) => {
    const image = degradeAll(
      renderQr(request.payload, { moduleSize: 4, ...options.render }),
      options.degrade ?? [],
      (options.seed ?? 1) + shown++,
    );
    const r = await decode(image);
    return r.ok ? { payload: r.bytes, symbology: 'qr_code' } : undefined;
  };
}
