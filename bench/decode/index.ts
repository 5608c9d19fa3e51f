// bench/decode: the camera-decoding benchmark. Re-exports only.
export * from './baselines.js';
export * from './corpus.js';
export * from './corpus-hard.js';
export * from './decoders.js';
export * from './format.js';
export * from './images.js';
export * from './payloads.js';
export * from './report-html.js';
export * from './run.js';
export * from './speed.js';
export * from './stats.js';
export * from './targets.js';
