export * from './client.js';
export * from './errors.js';
export { IDEMPOTENT_METHODS } from './retry.js';
export * from './types.js';
