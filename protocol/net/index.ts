export * from './tls-policy.js';
