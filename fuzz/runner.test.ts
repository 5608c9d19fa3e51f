/** The runner catches what it claims to: an untyped throw, a broken round trip, a hang. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EhcError } from '../protocol/errors.js';
import { HANG_MS, runTarget } from './runner.js';
import { expectEqual, type FuzzTarget } from './target.js';

const target = (run: (b: Uint8Array) => string): FuzzTarget<Uint8Array> => ({
  name: 'toy',
  what: 'a toy parser',
  input: fc.uint8Array({ maxLength: 8 }),
  run,
});

describe('fuzz runner', async () => {
  it('counts typed refusals and accepted inputs, and finds no defect in a sound parser', async () => {
    const r = await runTarget(
      target((b) => {
        if (b.length > 4) throw new EhcError('TOY_TOO_LONG', 'too long');
        return 'ok';
      }),
      { runs: 500, seed: 1 },
    );
    expect(r.defect).toBeUndefined();
    expect(r.inputs).toBe(500);
    expect((r.answers.ok ?? 0) + (r.answers.TOY_TOO_LONG ?? 0)).toBe(500);
    expect(r.distinctRefusals).toBe(1);
  });

  it('reports an untyped throw with the shrunk input', async () => {
    const r = await runTarget(
      target((b) => {
        if (b.includes(7)) throw new TypeError('cannot read 7');
        return 'ok';
      }),
      { runs: 2000, seed: 2 },
    );
    expect(r.defect).toMatch(/cannot read 7/);
    expect(r.defect).toMatch(/Counterexample: \[Uint8Array\.from\(\[7\]\)\]/);
  });

  it('reports a broken round trip and an input that hangs', async () => {
    const broken = await runTarget(
      target((b) => {
        expectEqual('round trip', b.length > 2 ? b.subarray(1) : b, b);
        return 'ok';
      }),
      { runs: 500, seed: 3 },
    );
    expect(broken.defect).toMatch(/round trip/);
    const slow = await runTarget(
      target((b) => {
        if (b[0] === 1) {
          const until = performance.now() + HANG_MS + 20;
          while (performance.now() < until);
        }
        return 'ok';
      }),
      { runs: 2000, seed: 4 },
    );
    expect(slow.defect).toMatch(/took \d+ ms/);
  });

  it('lets the event loop turn, so work a target defers is not counted as a leak', async () => {
    // Each input defers a callback holding ~16 KB of heap (as pngjs's `new PNG` defers one). A
    // runner that never yields keeps all 3,000 until the end: ~48 MB of "growth".
    const r = await runTarget(
      target(() => {
        const held = new Array<number>(2048).fill(1.5);
        process.nextTick(() => held.length);
        return 'ok';
      }),
      { runs: 3000, seed: 5 },
    );
    expect(r.defect).toBeUndefined();
    expect(r.heapGrowthMb).toBeLessThan(8);
  });
});
