export * from './clock.js';
export * from './link.js';
