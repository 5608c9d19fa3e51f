export * from './contract.js';
export * from './sqlite-schema.js';
export * from './sqlite-store.js';
