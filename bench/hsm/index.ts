// bench/hsm: cipher-machine throughput (verify/hsm) against an echo baseline. Re-exports only.
export * from './echo-server.js';
export * from './measure.js';
export * from './peer.js';
export * from './run.js';
