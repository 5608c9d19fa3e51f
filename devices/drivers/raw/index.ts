// devices/drivers/raw: the raw-text driver (terminator + inter-byte timeout framing). Re-exports only.
export * from './driver.js';
export * from './framer.js';
export * from './options.js';
