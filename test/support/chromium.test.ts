import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHROMIUM_SKIP, findChromium } from './chromium.js';

describe('findChromium', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('finds a chromium-browser on PATH when the fixed path is absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-chromium-'));
    dirs.push(dir);
    const bin = join(dir, 'chromium-browser');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    expect(findChromium({ paths: [join(dir, 'none')], env: { PATH: dir } })).toBe(bin);
  });

  it('missing locally: one skip line and undefined; missing under CI=true: an error', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(findChromium({ paths: [], env: { PATH: '' } })).toBeUndefined();
    expect(write).toHaveBeenCalledWith(`skip: ${CHROMIUM_SKIP}\n`);
    expect(() => findChromium({ paths: [], env: { PATH: '', CI: 'true' } })).toThrow(
      /required under CI=true/,
    );
  });
});
