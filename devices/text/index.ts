export * from './aim.js';
export * from './charset.js';
export * from './payload.js';
