export * from './clock.js';
export * from './engines.js';
export * from './link.js';
