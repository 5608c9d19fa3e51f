import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './deadlines.js';

class Fake {
  settled = false;
  expiredAt: number | undefined;
  expire(): void {
    this.expiredAt = performance.now();
    this.settled = true;
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines', () => {
  it('expires each unsettled call once its own timeout has passed, with one timer per lane', () => {
    const d = new Deadlines();
    const a = new Fake();
    const b = new Fake();
    const c = new Fake();
    const t0 = performance.now();
    d.add(a, 100);
    vi.advanceTimersByTime(40);
    d.add(b, 100);
    d.add(c, 30);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(30);
    expect(c.expiredAt! - t0).toBe(70);
    expect(a.expiredAt).toBeUndefined();
    vi.advanceTimersByTime(30);
    expect(a.expiredAt! - t0).toBe(100);
    expect(b.expiredAt).toBeUndefined();
    vi.advanceTimersByTime(40);
    expect(b.expiredAt! - t0).toBe(140);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips calls that settled in time and stops when nothing is left', () => {
    const d = new Deadlines();
    const calls = Array.from({ length: 5000 }, () => new Fake());
    for (const c of calls) d.add(c, 200);
    for (const c of calls.slice(0, 4999)) c.settled = true;
    vi.advanceTimersByTime(200);
    expect(calls.filter((c) => c.expiredAt !== undefined)).toEqual([calls[4999]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clear drops every timer', () => {
    const d = new Deadlines();
    const a = new Fake();
    d.add(a, 10);
    d.add(new Fake(), 20);
    d.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(50);
    expect(a.expiredAt).toBeUndefined();
  });
});
