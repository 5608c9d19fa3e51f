/**
 * `npm start` builds before it runs the demo; a newcomer must see the demo, not the bundler.
 * The build prints one summary line on success and the bundler's errors on failure.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
// Inside node_modules/.cache so that the bundle resolves its dependencies as dist/ does.
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const tmp = mkdtempSync(join(cache, 'ehc-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function build(outDir: string, args: string[] = []) {
  return run(process.execPath, [tsup, ...args], {
    cwd: root,
    env: { ...process.env, EHC_BUILD_OUT_DIR: outDir, NO_COLOR: '1' },
  });
}

describe('the build', () => {
  it('prints one summary line, and the bundle runs', async () => {
    const out = join(tmp, 'ok');
    const { stdout, stderr } = await build(out);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^built .+: \d+ files, \d+ KiB in \d+ ms$/);
    expect(stderr).toBe('');
    expect(existsSync(join(out, 'fixtures'))).toBe(true);
    const version = await run(process.execPath, [join(out, 'cli.js'), '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);

  it('still shows the error when the build fails', async () => {
    const broken = join(tmp, 'broken.ts');
    writeFileSync(broken, 'export const x: number = ;\n');
    const failed = await build(join(tmp, 'bad'), [broken]).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(failed).toBeDefined();
    expect(failed!.code).not.toBe(0);
    expect(failed!.stderr + failed!.stdout).toMatch(/Unexpected ";"/);
  }, 60_000);
});
