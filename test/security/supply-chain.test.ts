// Supply chain: only approved packages run install scripts (package.json `allowScripts`), the
// lockfile pins every package by sha512 integrity to the public registry (no git, file or URL
// sources), CI installs from the lockfile only (`npm ci`), and every production package of the
// lockfile has been through the advisory review in SUPPLY-CHAIN.md. Reads the real files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, root), 'utf8');

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly link?: boolean;
  readonly hasInstallScript?: boolean;
}
interface Lock {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

const lock = JSON.parse(read('package-lock.json')) as Lock;
const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> };

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
const nameOf = (path: string): string =>
  path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Packages with an install script that `allowScripts` neither approves nor denies. */
function unlistedInstallScripts(l: Lock, allow: Readonly<Record<string, boolean>>): string[] {
  return Object.entries(l.packages)
    .filter(([path, e]) => path !== '' && e.hasInstallScript === true && !(nameOf(path) in allow))
    .map(([path]) => path);
}

describe('install scripts', () => {
  const allow = pkg.allowScripts ?? {};

  it('every package of the lockfile with an install script is listed in allowScripts', () => {
    expect(unlistedInstallScripts(lock, allow)).toEqual([]);
  });

  it('the check catches a new package with an install script (it can fail)', () => {
    const doctored: Lock = {
      ...lock,
      packages: {
        ...lock.packages,
        'node_modules/evil-postinstall': { version: '1.0.0', hasInstallScript: true },
      },
    };
    expect(unlistedInstallScripts(doctored, allow)).toEqual(['node_modules/evil-postinstall']);
  });

  it('approves only packages that have an install script, and exactly the native modules', () => {
    const withScripts = new Set(
      Object.entries(lock.packages)
        .filter(([p, e]) => p !== '' && e.hasInstallScript === true)
        .map(([p]) => nameOf(p)),
    );
    for (const name of Object.keys(allow))
      expect(withScripts.has(name), `${name} has no install script`).toBe(true);
    const approved = Object.entries(allow)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .sort();
    expect(approved).toEqual(['@serialport/bindings-cpp', 'better-sqlite3', 'esbuild', 'node-hid', 'usb']);
  });
});

describe('lockfile', () => {
  it('pins every package by sha512 integrity, from the public registry only', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    const loose = Object.entries(lock.packages).filter(
      ([path, e]) =>
        path !== '' &&
        e.link !== true &&
        (!/^sha512-[A-Za-z0-9+/]+=*$/.test(e.integrity ?? '') ||
          (e.resolved !== undefined && !e.resolved.startsWith('https://registry.npmjs.org/'))),
    );
    expect(loose.map(([p]) => p)).toEqual([]);
  });

  it('CI installs from the lockfile only (npm ci, never npm install)', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).not.toMatch(/\bnpm (install|i|add|update)\b/);
  });
});

/** `name@version` of every lockfile entry without `"dev": true`. */
function productionEntries(l: Lock): string[] {
  return Object.entries(l.packages)
    .filter(([path, e]) => path !== '' && e.dev !== true)
    .map(([path, e]) => `${nameOf(path)}@${e.version ?? '?'}`);
}

/** The `name@version` rows of the review's full list (first two columns: `` `name` | version ``). */
function reviewedEntries(doc: string): string[] {
  const list = doc.slice(doc.indexOf('## Every production package in the lockfile'));
  return [...list.matchAll(/^\| `([^`]+)` \| ([^\s|]+) \|/gm)].map((m) => `${m[1]}@${m[2]}`);
}

describe('advisory review (test/security/SUPPLY-CHAIN.md)', () => {
  const doc = readFileSync(new URL('SUPPLY-CHAIN.md', import.meta.url), 'utf8');
  const reviewed = new Set(reviewedEntries(doc));

  it('lists every production package@version of the lockfile, and nothing the lockfile no longer has', () => {
    const prod = productionEntries(lock);
    expect(prod.length).toBeGreaterThan(100);
    expect(prod.filter((e) => !reviewed.has(e))).toEqual([]);
    expect([...reviewed].filter((e) => !prod.includes(e))).toEqual([]);
  });

  it('the check catches a new production package and a changed version (it can fail)', () => {
    const doctored: Lock = {
      ...lock,
      packages: {
        ...lock.packages,
        'node_modules/left-pad': { version: '1.3.0' },
        'node_modules/ws': { ...lock.packages['node_modules/ws'], version: '8.17.0' },
        'node_modules/some-dev-tool': { version: '1.0.0', dev: true },
      },
    };
    expect(productionEntries(doctored).filter((e) => !reviewed.has(e))).toEqual([
      'ws@8.17.0',
      'left-pad@1.3.0',
    ]);
  });
});
