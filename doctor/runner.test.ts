import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeEnv } from './fake-env.js';
import { runChecks } from './runner.js';
import type { Check } from './types.js';

describe('doctor runner', () => {
  it('a check that never ends is one fail line at its deadline, its signal aborted; a throw is a fail line', async () => {
    let aborted = false;
    const hung: Check = {
      id: 'hung',
      timeoutMs: () => 100,
      run: (ctx) =>
        new Promise(() => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    };
    const broken: Check = {
      id: 'broken',
      run: async () => {
        throw new Error('boom');
      },
    };
    const fine: Check = { id: 'fine', run: async () => [{ id: 'fine', status: 'ok', detail: 'yes' }] };
    const started = Date.now();
    const results = await runChecks([hung, broken, fine], {
      env: fakeEnv(mkdtempSync(join(tmpdir(), 'ehc-r-'))),
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted).toBe(true);
    expect(results).toEqual([
      { id: 'hung', status: 'fail', detail: 'no answer within 100 ms', fix: expect.any(String) },
      { id: 'broken', status: 'fail', detail: 'check failed: boom', fix: expect.any(String) },
      { id: 'fine', status: 'ok', detail: 'yes' },
    ]);
  });
});
