// agent/api: the local HTTP + WebSocket API for kiosk applications and administrators.
export type { Access, Principal } from './auth.js';
export { matchKioskToken, readCookie, SESSION_COOKIE } from './auth.js';
export * from './bind-policy.js';
export * from './errors.js';
export * from './masking.js';
export * from './server.js';
export * from './types.js';
