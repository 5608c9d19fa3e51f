// firmware-sdk/decode: QR decoding of camera frames. Re-exports only.
export * from './codecs.js';
export * from './decoder.js';
export * from './engine.js';
export * from './errors.js';
export * from './image.js';
export * from './ladder.js';
export * from './result.js';
