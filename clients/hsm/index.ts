// clients/hsm: the cipher-machine client (pool, pipelining, failover). Re-exports only.
export * from './client.js';
export * from './endpoint.js';
export * from './errors.js';
export * from './types.js';
