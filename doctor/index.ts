// doctor/: `ehc doctor`, every check the agent needs. Re-exports only.
export * from './doctor.js';
export * from './env.js';
export * from './report.js';
export * from './runner.js';
export type * from './types.js';
