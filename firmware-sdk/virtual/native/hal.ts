import type {
  DecodedSymbol,
  HalBeeper,
  HalCheck,
  HalDecoder,
  HalImage,
  HalLed,
  HalLinkHandlers,
  HalTransport,
} from '../../hal/types.js';
import type { DeviceSink, ScanRequest } from '../types.js';

/**
 * The virtual terminal's HAL parts. The transport maps the `DeviceEngine` contract onto the HAL:
 * `attach(sink)` is the link coming up, `attach(undefined)` the link going down.
 */
export class EngineTransport implements HalTransport {
  #sink: DeviceSink | undefined;
  #handlers: HalLinkHandlers | undefined;

  attach(sink: DeviceSink | undefined): void {
    const was = this.#sink;
    this.#sink = sink;
    if (was && this.#handlers) this.#handlers.down();
    if (sink && this.#handlers) this.#handlers.up();
  }

  receive(bytes: Uint8Array): void {
    this.#handlers?.data(bytes);
  }

  open(handlers: HalLinkHandlers): void {
    this.#handlers = handlers;
    if (this.#sink) handlers.up();
  }

  write(bytes: Uint8Array): boolean {
    if (!this.#sink) return false;
    this.#sink(bytes);
    return true;
  }

  close(): void {
    this.#handlers = undefined;
  }
}

/**
 * Turns what is shown to the virtual camera into a decoded symbol. The default passes the payload
 * through; a render-and-decode pipeline (firmware-sdk/render + firmware-sdk/decode) plugs in here
 * so end-to-end tests run through real decoding. `undefined` = nothing decoded.
 */
export type SymbolDecoder = (
  request: ScanRequest,
) => DecodedSymbol | undefined | Promise<DecodedSymbol | undefined>;

export const passThroughDecoder: SymbolDecoder = (request) => ({
  payload: request.payload,
  symbology: request.symbology ?? 'qr_code',
});

/** A synthetic grey frame (a gradient with the payload's bytes in its first rows). */
export function syntheticFrame(payload: Uint8Array | undefined, width = 96, height = 96): HalImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x + y) & 0xff;
  if (payload) data.set(payload.subarray(0, data.length));
  return { format: 'grey8', width, height, data };
}

export class VirtualDecoder implements HalDecoder {
  readonly #decode: SymbolDecoder;
  readonly #frame: (last: Uint8Array | undefined) => HalImage | undefined;
  #onSymbol: ((symbol: DecodedSymbol) => void) | undefined;
  #last: Uint8Array | undefined;
  active = false;
  /** Presentations the decoder could not decode. */
  failures = 0;

  constructor(decode: SymbolDecoder, frame: (last: Uint8Array | undefined) => HalImage | undefined) {
    this.#decode = decode;
    this.#frame = frame;
  }

  /** A symbol was shown to the camera. */
  present(request: ScanRequest): void {
    const onSymbol = this.#onSymbol;
    if (!onSymbol) return;
    this.#last = request.payload;
    void Promise.resolve()
      .then(() => this.#decode(request))
      .then(
        (symbol) => {
          if (symbol && this.#onSymbol === onSymbol) onSymbol(symbol);
          else if (!symbol) this.failures++;
        },
        () => {
          this.failures++;
        },
      );
  }

  open(onSymbol: (symbol: DecodedSymbol) => void): void {
    this.#onSymbol = onSymbol;
  }

  setActive(active: boolean): void {
    this.active = active;
  }

  async capture(): Promise<HalImage | undefined> {
    return this.#frame(this.#last);
  }

  async selfTest(): Promise<HalCheck> {
    return { name: 'decoder', passed: true, detail: 'virtual imager' };
  }

  close(): void {
    this.#onSymbol = undefined;
  }
}

export interface BeepRecord {
  readonly kind: 'good' | 'bad';
  readonly count: number;
}

/** What the host asked the beeper or the LED for, as `RecordingFeedback` listeners see it. */
export type FeedbackRecord =
  | ({ readonly part: 'beeper' } & BeepRecord)
  | { readonly part: 'led'; readonly kind: 'good' | 'bad' | 'off'; readonly durationMs: number };

/** Beeper and LED that remember what the host asked for, and tell listeners at once. */
export class RecordingFeedback implements HalBeeper, HalLed {
  readonly beeps: BeepRecord[] = [];
  readonly #listeners = new Set<(r: FeedbackRecord) => void>();
  led: { readonly kind: 'good' | 'bad' | 'off'; readonly durationMs: number } = {
    kind: 'off',
    durationMs: 0,
  };

  beep(kind: 'good' | 'bad', count: number): void {
    this.beeps.push({ kind, count });
    if (this.beeps.length > 1000) this.beeps.shift();
    for (const l of this.#listeners) l({ part: 'beeper', kind, count });
  }

  set(kind: 'good' | 'bad' | 'off', durationMs: number): void {
    this.led = { kind, durationMs };
    for (const l of this.#listeners) l({ part: 'led', kind, durationMs });
  }

  /** Calls `listener` with every later beep and LED command; returns the unsubscribe. */
  listen(listener: (r: FeedbackRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
