// firmware-sdk/conformance: the native-protocol conformance suite. Re-exports only.
export * from './context.js';
export * from './errors.js';
export * from './peer.js';
export * from './report.js';
export * from './suite.js';
export * from './types.js';
