// devices/manager: discovery, de-duplication, hot-plug and reconnect. Re-exports only.
export * from './candidates.js';
export * from './dedupe.js';
export * from './discovery.js';
export * from './listers.js';
export * from './manager.js';
export * from './sysfs.js';
