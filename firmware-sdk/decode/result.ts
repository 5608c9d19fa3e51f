/**
 * What `decode` returns: a value, never an exception. `type` is a closed set:
 * - `not-found`: no QR code could be read within the attempts and time budget;
 * - `bad-image`: the input is not a usable image (wrong size/shape, undecodable file bytes);
 * - `not-ready`: `decodeSync` was called before `initDecoder()` finished;
 * - `engine-error`: the engine itself failed (e.g. wasm memory exhausted by a huge frame).
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Corners of the symbol in the input image's pixel coordinates. */
export interface Quadrilateral {
  readonly topLeft: Point;
  readonly topRight: Point;
  readonly bottomRight: Point;
  readonly bottomLeft: Point;
}

export type DecodeErrorType = 'not-found' | 'bad-image' | 'not-ready' | 'engine-error';

export interface DecodeSuccess {
  readonly ok: true;
  /**
   * The payload as text (UTF-8 or as the code's ECI/charset says), in zxing-cpp's plain text
   * mode: exactly the characters the code holds (control characters and GS1 group separators
   * included), never a display rendering like `<SOH>` or `(01)…`.
   */
  readonly text: string;
  /** The payload bytes exactly as encoded in the symbol. */
  readonly bytes: Uint8Array;
  /** What the bytes are, as zxing-cpp classifies them. */
  readonly contentType: 'Text' | 'Binary' | 'Mixed' | 'GS1' | 'ISO15434' | 'UnknownECI';
  /** `L`, `M`, `Q` or `H`. */
  readonly ecLevel?: 'L' | 'M' | 'Q' | 'H';
  readonly position?: Quadrilateral;
  /** Which engine read it (`zxing`: zxing-cpp). */
  readonly engine: string;
  /** The ladder attempt that read it (`zxing`, `half-stretch`, `sharpen`, …). */
  readonly via: string;
  readonly ms: number;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
}

export interface DecodeFailure {
  readonly ok: false;
  readonly error: { readonly type: DecodeErrorType; readonly message: string };
  readonly ms: number;
  readonly attempts: number;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;
