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
});
