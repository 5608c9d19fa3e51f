/**
 * `@serialport/binding-mock`, typed. Its package `exports` has no types for the ESM condition,
 * so the types are taken from its CommonJS entry.
 */
import { createRequire } from 'node:module';

type MockModule = typeof import('@serialport/binding-mock', { with: { 'resolution-mode': 'require' }});

const mod = createRequire(import.meta.url)('@serialport/binding-mock') as MockModule;

export const MockBinding: MockModule['MockBinding'] = mod.MockBinding;
export type MockPortBinding = InstanceType<MockModule['MockPortBinding']>;
