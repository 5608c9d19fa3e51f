export * from './commands.js';
export * from './create.js';
export * from './driver.js';
export * from './errors.js';
export * from './options.js';
export * from './reply-framer.js';
