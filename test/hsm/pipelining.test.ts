// Pipelining: many requests in flight on one connection, replies matched by the header id.
import { afterEach, describe, expect, it } from 'vitest';
import { validityDigits } from '../../protocol/crypto/validity.js';
import { Harness } from './helpers.js';

const h = new Harness();
afterEach(() => h.cleanup());

const N = 10_000;
const BASE = Date.UTC(2024, 0, 1);

describe('pipelining', () => {
  it('10,000 pipelined requests answered out of order are matched correctly', async () => {
    // Each reply is delayed by a random 0–15 ms: the machine answers in a shuffled order.
    const m = await h.machine({ faults: { jitterMs: 15 } });
    const c = h.client(m, { poolSize: 1, timeoutMs: 20_000 });
    const order: number[] = [];
    const calls = Array.from({ length: N }, (_, i) =>
      c.encryptValidity(BASE + i * 61_000).then((r) => {
        order.push(i);
        return r;
      }),
    );
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      expect(r.status === 'ok' && r.value.digits).toBe(validityDigits(BASE + i * 61_000));
    });
    // Replies did come back out of order, all on one connection.
    const displaced = order.filter((v, k) => v !== k).length;
    expect(displaced).toBeGreaterThan(N / 2);
    expect(m.connectionCount).toBe(1);
  });

  it('10,000 pipelined validity checks through the batch path each get their own verdict', async () => {
    const m = await h.machine();
    const c = h.client(m, { poolSize: 1, timeoutMs: 20_000 });
    const made = await c.encryptValidity(BASE);
    if (made.status !== 'ok') throw new Error('encryptValidity failed');
    // now = BASE + k seconds, k from −20 to 79: not yet valid, valid, expired by turns.
    const offsetS = (i: number): number => (i % 100) - 20;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        c.checkValidity(made.value.blockHex, { nowMs: BASE + offsetS(i) * 1000 }),
      ),
    );
    results.forEach((r, i) => {
      const s = offsetS(i);
      const want = s < -5 ? 'not-yet-valid' : s > 65 ? 'expired' : 'ok';
      expect(r.status === 'ok' ? 'ok' : r.status === 'no' ? r.reason : r.reason).toBe(want);
    });
  });
});
