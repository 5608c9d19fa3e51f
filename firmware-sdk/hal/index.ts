// firmware-sdk/hal: the hardware abstraction layer (interfaces) and Node-ready parts. Re-exports only.
export * from './memory.js';
export * from './types.js';
