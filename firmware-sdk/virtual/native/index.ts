// firmware-sdk/virtual/native: the native virtual terminal (runtime on a virtual HAL). Re-exports only.

export * from './camera-decoder.js';
export * from './faults.js';
export * from './frame-camera.js';
export * from './hal.js';
export * from './terminal.js';
