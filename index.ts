// Library entry point (`ehc-terminal`): each layer as a namespace, so names never clash.
// The `ehc` command line (dist/cli.js) is the other entry point.
export * as agent from './agent/index.js';
export * as centralClient from './clients/central/index.js';
export * as hsmClient from './clients/hsm/index.js';
export * as devices from './devices/index.js';
export * as doctor from './doctor/index.js';
export * as conformance from './firmware-sdk/conformance/index.js';
export * as firmware from './firmware-sdk/runtime/index.js';
export * as virtualDevices from './firmware-sdk/virtual/index.js';
export * as lab from './lab/index.js';
export * from './protocol/index.js';
export * as centralService from './sim/central/index.js';
export * as cipherMachine from './sim/cipher-machine/index.js';
