// The per-call round trip (socket write → reply arrival) the client reports to `onRoundTrip`.
import { afterEach, describe, expect, it } from 'vitest';
import { encryptValidity } from '../../protocol/crypto/validity.js';
import { Harness, KEYS, okValue } from './helpers.js';

const h = new Harness();
afterEach(() => h.cleanup());

const NOW = Date.UTC(2026, 0, 5, 3, 0, 0);
const BLOCK = encryptValidity(KEYS[0]!.value, NOW).toString('hex');
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

describe('cipher-machine round trip per call', () => {
  it('is reported once, before the result, and covers the machine’s time but not more than the call', async () => {
    const m = await h.machine({ now: () => NOW, faults: { latencyMs: 40, commands: ['VC'] } });
    const c = h.client(m);
    okValue(await c.info()); // connected: the timed call below does not include the connect
    const seen: number[] = [];
    const t0 = nowMs();
    const r = await c.checkValidity(BLOCK, { onRoundTrip: (ms) => seen.push(ms), timeoutMs: 2000 });
    const elapsed = nowMs() - t0;
    okValue(r);
    expect(seen).toHaveLength(1);
    // The machine held the reply 40 ms (timers may fire up to 1 ms early).
    expect(seen[0]).toBeGreaterThanOrEqual(39);
    expect(seen[0]).toBeLessThanOrEqual(elapsed);
  });

  it('is not reported for a call that got no reply', async () => {
    const m = await h.machine({ now: () => NOW });
    const c = h.client(m, { timeoutMs: 50 });
    okValue(await c.info());
    m.setFaults({ hang: true });
    const seen: number[] = [];
    const r = await c.checkValidity(BLOCK, { onRoundTrip: (ms) => seen.push(ms) });
    expect(r).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect(seen).toEqual([]);
  });

  it('a throwing timing sink does not change the answer', async () => {
    const m = await h.machine({ now: () => NOW });
    const c = h.client(m);
    const r = await c.checkValidity(BLOCK, {
      onRoundTrip: () => {
        throw new Error('sink broke');
      },
    });
    expect(r.status).toBe('ok');
  });
});
