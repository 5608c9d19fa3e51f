// agent/admin: user accounts under spec part 6 §5.1.1-8 and §5.2-2, with a synchronous audit log.
export * from './address.js';
export * from './admin-service.js';
export * from './audit-log.js';
export * from './authenticator.js';
export * from './bootstrap.js';
export type { Caller } from './context.js';
export * from './errors.js';
export * from './password-hash.js';
export * from './password-policy.js';
export * from './permissions.js';
export * from './schema.js';
export { SESSION_TOKEN_PREFIX } from './sessions.js';
export * from './types.js';
export * from './user-admin.js';
