export * from './schema.js';
export * from './sqlite.js';
export * from './sqlite-store.js';
export * from './types.js';
