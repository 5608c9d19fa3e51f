// devices/drivers/native: host side of the native device protocol. Re-exports only.
export * from './dedupe.js';
export * from './driver.js';
export * from './errors.js';
export * from './image.js';
export * from './options.js';
export * from './pending.js';
export * from './scan-event.js';
export * from './stats.js';
export * from './uploads.js';
export * from './watch.js';
