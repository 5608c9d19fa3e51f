// firmware-sdk/virtual/harness: puts any DeviceEngine behind a serial binding, TCP or a pty. Re-exports only.
export * from './chunking.js';
export * from './errors.js';
export * from './link.js';
export * from './pty.js';
export * from './serial-binding.js';
export * from './tcp.js';
