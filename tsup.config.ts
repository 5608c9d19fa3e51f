import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    cli: 'cli/main.ts',
    index: 'index.ts',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  splitting: true,
  dts: false,
  // Native modules and wasm-backed packages stay external: they are loaded from node_modules.
  skipNodeModulesBundle: true,
  banner: { js: '' },
  // lab/tls-material.ts reads its committed test PKI from `./fixtures/` next to the module;
  // in the bundle that is dist/fixtures/ (used by `ehc certify --embedded` when openssl is absent).
  onSuccess: async () => {
    cpSync('lab/fixtures', 'dist/fixtures', { recursive: true });
  },
});
