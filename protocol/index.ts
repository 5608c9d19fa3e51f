// protocol/: pure, I/O-free wire formats. Re-exports only.
export * from './errors.js';
export * from './result.js';
