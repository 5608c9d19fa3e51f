// sim/cipher-machine: the soft cipher machine (密码机). Re-exports only.
export * from './config.js';
export * from './errors.js';
export * from './faults.js';
export * from './key-file.js';
export * from './key-store.js';
export * from './key-wrap.js';
export * from './keygen.js';
export * from './server.js';
