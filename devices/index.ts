// devices/: transports, drivers, the Scanner session, discovery and hot-plug. Public entry point;
// re-exports only. Vendor drivers are reached through the registry (`createDriver(name, …)`).
export * from './drivers/keyboard/index.js';
export * from './drivers/raw/index.js';
export * from './drivers/registry.js';
export * from './manager/index.js';
export * from './profiles.js';
export * from './session/index.js';
export * from './text/index.js';
export * from './transports/index.js';
export type * from './types.js';
