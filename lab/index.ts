export * from './demo.js';
export * from './lab.js';
export * from './patient-app.js';
