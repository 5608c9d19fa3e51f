// protocol/device: the native device protocol (frames + protobuf envelopes). Re-exports only.
export * from './crc.js';
export * from './errors.js';
export * from './frame.js';
export * from './frame-decoder.js';
export * from './messages.js';
export * from './stream.js';
export * from './wire.js';
