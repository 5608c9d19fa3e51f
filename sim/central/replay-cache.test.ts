import { describe, expect, it } from 'vitest';
import { ReplayCache } from './replay-cache.js';

describe('ReplayCache', () => {
  const W = 10_000;

  it('remembers a digest while its timestamp is inside the window, case-insensitively', () => {
    const c = new ReplayCache(W, 100);
    expect(c.check('ABCD', 1_000_000, 1_000_000)).toBe('new');
    expect(c.check('abcd', 1_000_000, 1_000_000 + W)).toBe('replayed');
    expect(c.check('abce', 1_000_000, 1_000_000 + W)).toBe('new');
  });

  it('forgets digests whose timestamps left the window, keeping memory bounded', () => {
    const c = new ReplayCache(W, 100);
    for (let i = 0; i < 50; i++) c.check(`d${i}`, 1_000_000 + i, 1_000_000 + i);
    expect(c.size).toBe(50);
    c.check('later', 1_000_000 + 3 * W, 1_000_000 + 3 * W);
    expect(c.size).toBe(1);
  });

  it('refuses new digests when full instead of forgetting live ones', () => {
    const c = new ReplayCache(W, 3);
    for (const d of ['a', 'b', 'c']) expect(c.check(d, 5_000_000, 5_000_000)).toBe('new');
    expect(c.check('d', 5_000_000, 5_000_000)).toBe('full');
    expect(c.check('a', 5_000_000, 5_000_000)).toBe('replayed');
  });

  it('has no false negatives across bucket boundaries for any timestamp inside the window', () => {
    const c = new ReplayCache(W, 1_000);
    const now = 7_777_777;
    for (let ts = now - W; ts <= now + W; ts += 997) c.check(`x${ts}`, ts, now);
    for (let late = now; late <= now + W; late += 1_013) {
      for (let ts = now - W; ts <= now + W; ts += 997) {
        if (Math.abs(late - ts) <= W) expect(c.check(`x${ts}`, ts, late)).toBe('replayed');
      }
    }
  });
});
