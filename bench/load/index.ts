// bench/load: the central service load test (spec §5.3). Re-exports only.
export * from './peer.js';
export * from './phase.js';
export * from './report.js';
export * from './run.js';
export * from './workload.js';
