#!/usr/bin/env node
/**
 * `npm pack` ships the lockfile: a packed tarball carries no package-lock.json, so an install
 * of the tarball resolves every `^` range afresh. npm reads an npm-shrinkwrap.json inside a
 * package instead, so `prepack` writes one (package-lock.json as it is: the same versions and
 * sha512 integrity; dev packages stay flagged `dev` and `npm ci --omit=dev` skips them) and
 * `postpack` removes it again (in the checkout npm ci keeps using package-lock.json).
 *
 * Caveat, measured in test/packaging/tarball.test.ts: `npm install -g ./ehc-terminal-*.tgz`
 * ignores a local tarball's shrinkwrap (npm/cli#5325, #5349) and installs fresh versions; the
 * pinned kiosk install unpacks the tarball and runs `npm ci --omit=dev` in it (README).
 *
 *   node scripts/shrinkwrap.mjs          write npm-shrinkwrap.json
 *   node scripts/shrinkwrap.mjs --remove remove it
 */
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'npm-shrinkwrap.json');

if (process.argv.includes('--remove')) {
  rmSync(out, { force: true });
} else {
  copyFileSync(join(root, 'package-lock.json'), out);
}
