// firmware-sdk/render: QR rendering and deterministic degradation. Re-exports only.
export * from './degrade.js';
export * from './errors.js';
export * from './prng.js';
export * from './render.js';
