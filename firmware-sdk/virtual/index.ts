// firmware-sdk/virtual: virtual devices (engines per wire protocol) and the harness. Re-exports only.
export * as grow from './engines/grow/index.js';
export * as hidPos from './engines/hid-pos/index.js';
export * as honeywell from './engines/honeywell/index.js';
export * as newland from './engines/newland/index.js';
export * as raw from './engines/raw/index.js';
export * as ssi from './engines/ssi/index.js';
export * from './harness/index.js';
export * from './native/index.js';
export type * from './types.js';
