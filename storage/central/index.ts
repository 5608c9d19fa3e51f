export * from './contract.js';
export * from './open.js';
export * from './postgres-store.js';
export * from './sqlite-schema.js';
export * from './sqlite-store.js';
