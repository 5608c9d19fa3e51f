// devices/transports: byte and report channels with injectable bindings. Re-exports only.
export * from './base.js';
export * from './clock.js';
export * from './errors.js';
export * from './hid.js';
export * from './mock.js';
export * from './native.js';
export * from './native-status.js';
export * from './native-types.js';
export * from './port-spec.js';
export * from './serial.js';
export * from './tcp.js';
export * from './usb-bulk.js';
