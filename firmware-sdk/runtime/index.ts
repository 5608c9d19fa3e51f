// firmware-sdk/runtime: the device side of the native protocol. Re-exports only.
export * from './commands.js';
export * from './config.js';
export * from './errors.js';
export * from './heartbeat.js';
export * from './images.js';
export * from './link.js';
export * from './options.js';
export * from './runtime.js';
export * from './scan-queue.js';
export * from './scan-sender.js';
export * from './self-test.js';
export * from './symbols.js';
