export * from './baselines.js';
export * from './run.js';
