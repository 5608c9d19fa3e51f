export * from './engine.js';
export * from './outbox.js';
export * from './wire.js';
