import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/devices/support/manual-clock.js';
import { createRawDriver } from '../drivers/raw/index.js';
import { TransportError } from '../transports/errors.js';
import { MockTransport } from '../transports/mock.js';
import { backoffDelays, Reconnector } from './reconnect.js';
import { ScannerSession } from './session.js';

const settle = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
};

describe('Reconnector', () => {
  it('computes capped exponential delays and validates its options', () => {
    const d = backoffDelays({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2 });
    expect([0, 1, 2, 3, 4, 5].map(d)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(() => backoffDelays({ initialDelayMs: 0 })).toThrow(TypeError);
  });

  it('reconnects a lost scanner with back-off, keeping its id and enabled state', async () => {
    const clock = new ManualClock();
    const session = new ScannerSession({
      id: 'scanner-1',
      driverName: 'raw',
      identity: { path: 'mock://0' },
      clock,
      createDriver: () => createRawDriver(),
    });
    const first = new MockTransport();
    await session.connect(first);
    await session.claim();
    await session.enable();
    const attempts: MockTransport[] = [];
    let failuresLeft = 2;
    const rc = new Reconnector(
      session,
      () => {
        const t = new MockTransport({ identity: { path: `mock://${attempts.length + 1}` } });
        if (failuresLeft-- > 0) t.failNextOpen = new TransportError('TRANSPORT_OPEN_FAILED', 'still gone');
        attempts.push(t);
        return t;
      },
      { clock, backoff: { initialDelayMs: 100, maxDelayMs: 1000 } },
    );
    const failed: number[] = [];
    let reconnected = 0;
    rc.on('failed', (_e, next) => failed.push(next));
    rc.on('reconnected', (n) => {
      reconnected = n;
    });
    rc.start();
    first.unplug();
    await settle();
    expect(rc.pending).toBe(true);
    clock.advance(99);
    await settle();
    expect(attempts).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(attempts).toHaveLength(1);
    expect(failed).toEqual([200]);
    clock.advance(200);
    await settle();
    expect(failed).toEqual([200, 400]);
    clock.advance(400);
    await settle();
    expect(attempts).toHaveLength(3);
    expect(reconnected).toBe(3);
    expect(session.connected).toBe(true);
    expect(session.state).toBe('enabled');
    expect(session.id).toBe('scanner-1');
    const got: string[] = [];
    session.on('scan', (s) => got.push(s.text));
    attempts[2]!.feed('BACK\r');
    await settle();
    expect(got).toEqual(['BACK']);

    // poke() tries at once after the next loss; stop() and close() leave nothing scheduled.
    attempts[2]!.unplug();
    await settle();
    rc.poke();
    await settle();
    expect(attempts).toHaveLength(4);
    expect(session.connected).toBe(true);
    rc.stop();
    await session.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
