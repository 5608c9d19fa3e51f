export * from './hid-engine.js';
export * from './menu-device.js';
export * from './serial-engine.js';
