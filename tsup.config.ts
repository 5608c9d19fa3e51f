import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/** Where the bundle goes; `EHC_BUILD_OUT_DIR` lets the build test write to a temp folder. */
const outDir = process.env.EHC_BUILD_OUT_DIR ?? 'dist';
const started = performance.now();

/** Size of the emitted JavaScript (maps excluded), for the one-line summary. */
function bundleSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.js')) continue;
    files++;
    bytes += statSync(join(dir, name)).size;
  }
  return { files, bytes };
}

export default defineConfig({
  entry: {
    cli: 'cli/main.ts',
    index: 'index.ts',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir,
  clean: true,
  sourcemap: true,
  splitting: true,
  dts: false,
  // Quiet by default: tsup prints only errors (and warnings through esbuild's own channel);
  // the one line below is the whole output of a good build.
  silent: true,
  // Native modules and wasm-backed packages stay external: they are loaded from node_modules.
  skipNodeModulesBundle: true,
  banner: { js: '' },
  // lab/tls-material.ts reads its committed test PKI from `./fixtures/` next to the module;
  // in the bundle that is dist/fixtures/ (used by `ehc certify --embedded` when openssl is absent).
  onSuccess: async () => {
    cpSync('lab/fixtures', join(outDir, 'fixtures'), { recursive: true });
    const { files, bytes } = bundleSize(outDir);
    const ms = Math.round(performance.now() - started);
    console.log(`built ${outDir}/: ${files} files, ${(bytes / 1024).toFixed(0)} KiB in ${ms} ms`);
  },
});
