import { describe, expect, it } from 'vitest';
import { RepeatFilter } from './dedupe.js';

describe('RepeatFilter', () => {
  it('drops the same text from the same device within the window only', () => {
    const f = new RepeatFilter(1000);
    expect(f.admit('d1', 'A', 0)).toBe(true);
    expect(f.admit('d1', 'A', 999)).toBe(false);
    expect(f.admit('d2', 'A', 999)).toBe(true);
    expect(f.admit('d1', 'B', 999)).toBe(true);
    expect(f.admit('d1', 'A', 2000)).toBe(true);
  });

  it('a window of 0 admits everything', () => {
    const f = new RepeatFilter(0);
    expect(f.admit('d', 'A', 0)).toBe(true);
    expect(f.admit('d', 'A', 0)).toBe(true);
  });

  it('stays bounded', () => {
    const f = new RepeatFilter(60_000, 100);
    for (let i = 0; i < 1000; i++) f.admit('d', String(i), i);
    expect(f.size).toBe(100);
    // The most recent are remembered, the oldest forgotten.
    expect(f.admit('d', '999', 1000)).toBe(false);
    expect(f.admit('d', '0', 1000)).toBe(true);
  });
});
