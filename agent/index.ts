// agent/: the host agent. Re-exports only.
export * from './agent.js';
export * from './config/agent-config.js';
export { ConfigError } from './config/schema.js';
export * from './metrics/agent-metrics.js';
export * from './outbox/types.js';
export * from './pipeline/pipeline.js';
export * from './types.js';
export * from './verify/central-verifier.js';
export * from './verify/chain-verifier.js';
export * from './verify/confirmed-chain-verifier.js';
export * from './verify/hsm-verifier.js';
export * from './verify/static-lookup-verifier.js';
