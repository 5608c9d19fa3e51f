// devices/session: the UnifiedPOS-shaped Scanner over a transport + driver. Re-exports only.
export * from './connection-io.js';
export * from './delivery.js';
export * from './open-port.js';
export * from './probe.js';
export * from './reconnect.js';
export * from './scan-queue.js';
export * from './session.js';
export * from './with-timeout.js';
