// sim/central: the central EHC service (card-management platform). Re-exports only.

export * from '../../storage/central/index.js';
export * from './backup.js';
export * from './config.js';
export * from './dispatcher.js';
export * from './errors.js';
export * from './http-app.js';
export * from './logger.js';
export * from './methods/monitor-query.js';
export * from './pruner.js';
export * from './replay-cache.js';
export * from './service.js';
