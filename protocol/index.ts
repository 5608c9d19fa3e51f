// protocol/: pure, I/O-free wire formats. Re-exports only; each wire format is a namespace so
// that names such as `FrameDecoder` (device and cipher-machine framing) never clash.
export * as central from './central/index.js';
export * as crypto from './crypto/index.js';
export * as device from './device/index.js';
export * from './errors.js';
export * as hsm from './hsm/index.js';
export * as net from './net/index.js';
export * as privacy from './privacy/mask.js';
export * as qr from './qr/index.js';
export * from './result.js';
