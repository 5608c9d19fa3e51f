// Library entry point: the public API of each layer.
export * from './protocol/index.js';
