/**
 * The package a kiosk installs is the tarball, not the checkout: `npm pack`, then
 * `npm install -g` of that file into a throwaway prefix, then the installed `ehc` runs its
 * demo and its doctor from a folder that has nothing of the project in it.
 *
 * Slow (a global install builds or fetches the native modules, ~1–2 min), so it runs once.
 * Dependencies come from npm's cache, warm after `npm ci`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'ehc-tarball-'));
const prefix = join(tmp, 'prefix');
const cwd = mkdtempSync(join(tmp, 'kiosk-'));
const ehc = join(prefix, 'bin', 'ehc');
/** The native modules whose install scripts must run; `allowScripts` is not read by `-g`. */
const NATIVE = ['better-sqlite3', '@serialport/bindings-cpp', 'node-hid', 'usb'];
const env = { ...process.env, NO_COLOR: '1', npm_config_loglevel: 'error' };
let tarball = '';

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', tmp], {
    cwd: root,
    env,
    maxBuffer: 16 << 20,
  });
  tarball = join(tmp, packed.stdout.trim().split('\n').at(-1)!);
  await run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      `--allow-scripts=${NATIVE.join(',')}`,
      tarball,
    ],
    { cwd: tmp, env, maxBuffer: 16 << 20 },
  );
}, 600_000);

describe('the npm package', () => {
  it('holds the bundle and the example configuration, not the sources', async () => {
    const list = await run('tar', ['-tzf', tarball]);
    const files = list.stdout.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/cli.js');
    expect(files).toContain('package/config/agent.example.json');
    expect(files.some((f) => f.startsWith('package/dist/fixtures/'))).toBe(true);
    expect(files.some((f) => /^package\/(agent|sim|cli|test)\//.test(f))).toBe(false);
    expect(existsSync(ehc)).toBe(true);
  });

  it('pins the kiosk install to the lockfile: the tarball unpacked, npm ci --omit=dev in it', async () => {
    // In the checkout the shrinkwrap exists only while packing: npm ci keeps the full lockfile.
    expect(existsSync(join(root, 'npm-shrinkwrap.json'))).toBe(false);
    type Lock = { packages: Record<string, { version?: string; dev?: boolean; optional?: boolean }> };
    const wrap = JSON.parse(
      (await run('tar', ['-xzOf', tarball, 'package/npm-shrinkwrap.json'])).stdout,
    ) as Lock;
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
    expect(wrap.packages).toEqual(lock.packages);
    const app = join(tmp, 'opt');
    mkdirSync(app);
    await run('tar', ['-xzf', tarball, '-C', app, '--strip-components=1']);
    await run(
      'npm',
      // (the package's own allowScripts approves the native modules: npm refuses the flag here)
      ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: app, env, maxBuffer: 16 << 20 },
    );
    // Every production package the kiosk got is the version the lockfile pins, and no dev tool.
    const wrong: string[] = [];
    let checked = 0;
    for (const [p, want] of Object.entries(lock.packages)) {
      if (p === '') continue;
      const file = join(app, p, 'package.json');
      if (want.dev === true) {
        if (existsSync(file)) wrong.push(`${p}: dev package installed`);
        continue;
      }
      if (!existsSync(file)) {
        if (want.optional !== true) wrong.push(`${p}: missing`);
        continue;
      }
      checked++;
      const got = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
      if (got !== want.version) wrong.push(`${p}: ${got} installed, ${want.version} pinned`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    const doctor = await run(process.execPath, [join(app, 'dist', 'cli.js'), 'doctor', '--json'], {
      cwd,
      env,
    }).catch((e: { stdout: string }) => e);
    const native = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks.filter(
      (c) => c.id === 'native',
    );
    expect(native.length).toBe(NATIVE.length);
    expect(native.every((c) => c.status === 'ok')).toBe(true);
  }, 300_000);

  it('runs `ehc --version` and `ehc demo` from an empty folder', async () => {
    expect(readdirSync(cwd)).toEqual([]);
    const version = await run(ehc, ['--version'], { cwd, env });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const demo = await run(ehc, ['demo', '--json'], { cwd, env, maxBuffer: 16 << 20 });
    const report = JSON.parse(demo.stdout) as { ok: boolean; scenarios: { ok: boolean }[] };
    expect(report.scenarios.length).toBeGreaterThan(5);
    expect(report.scenarios.every((s) => s.ok)).toBe(true);
    expect(report.ok).toBe(true);
  }, 120_000);

  it('runs `ehc doctor`, and every native module loads from the installed package', async () => {
    const doctor = await run(ehc, ['doctor', '--json'], { cwd, env }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(doctor.stdout) as {
      counts: { fail: number };
      checks: { id: string; status: string; detail: string }[];
    };
    const native = report.checks.filter((c) => c.id === 'native');
    expect(native.map((c) => c.detail.split(' ')[0]).sort()).toEqual([...NATIVE].sort());
    expect(native.every((c) => c.status === 'ok')).toBe(true);
    expect(report.counts.fail).toBe(0);
  }, 120_000);

  it('writes the service files pointing at the installed CLI', async () => {
    const root = join(tmp, 'image');
    await run(ehc, ['service', 'install', '--root', root], { cwd, env });
    const unit = readFileSync(join(root, 'etc/systemd/system/ehc-agent.service'), 'utf8');
    expect(unit).toContain(join(prefix, 'lib/node_modules/ehc-terminal/dist/cli.js'));
    expect(existsSync(join(root, 'etc/udev/rules.d/70-ehc-scanners.rules'))).toBe(true);
  }, 60_000);
});
