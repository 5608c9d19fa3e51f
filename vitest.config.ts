import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{protocol,storage,devices,clients,firmware-sdk,agent,sim,lab,bench,certify,cli,kiosk,doctor,fuzz}/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'dist/**'],
    pool: 'forks',
    // Both cores: vitest's default (cores − 1) runs one file at a time here, and the slowest files
    // (the tarball install compiling native modules, the soak, the rig) mostly wait.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
