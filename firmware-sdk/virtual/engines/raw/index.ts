// firmware-sdk/virtual/engines/raw: raw-text scanner engine. Re-exports only.
export * from './engine.js';
