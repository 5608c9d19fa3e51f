// protocol/hsm: the cipher-machine command codec (Racal-style framing). Re-exports only.
export * from './codec.js';
export * from './commands.js';
export * from './errors.js';
export * from './fields.js';
export * from './framing.js';
export * from './sdr.js';
