export * from './bytes.js';
export * from './ehc-id.js';
export * from './errors.js';
export * from './sm3.js';
export * from './sm4.js';
export * from './time-zone.js';
export * from './validity.js';
