import { describe, expect, it } from 'vitest';
import { fakeDriver, silent } from '../../test/devices/support/fake-driver.js';
import { ManualClock } from '../../test/devices/support/manual-clock.js';
import { createRawDriver } from '../drivers/raw/index.js';
import type { DriverRegistry } from '../drivers/registry.js';
import { DeviceError } from '../transports/errors.js';
import { MockTransport } from '../transports/mock.js';
import type { Driver, DriverName } from '../types.js';
import { probeDriver } from './probe.js';

const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

function registry(make: Partial<Record<DriverName, () => Driver>>): DriverRegistry & { made: Driver[] } {
  const made: Driver[] = [];
  return {
    made,
    has: (n) => make[n] !== undefined,
    create: async (n) => {
      const d = make[n]!();
      made.push(d);
      return d;
    },
  };
}

describe('probeDriver', () => {
  it('tries candidates in order, skips unknown ones, and returns the first that answers', async () => {
    const clock = new ManualClock();
    const reg = registry({
      'zebra-ssi': () =>
        fakeDriver('zebra-ssi', async () => {
          throw new DeviceError('DEVICE_NO_ANSWER', 'no SSI reply');
        }),
      honeywell: () => fakeDriver('honeywell', silent),
      newland: () => {
        throw new DeviceError('DEVICE_BAD_OPTIONS', 'bad settings');
      },
      raw: () => createRawDriver(),
    });
    const t = new MockTransport();
    const p = probeDriver(t, {
      registry: reg,
      candidates: ['native', 'zebra-ssi', 'honeywell', 'newland', 'raw'],
      clock,
      timeoutMs: 300,
    });
    await settle();
    clock.advance(299);
    await settle();
    expect(reg.made).toHaveLength(2);
    clock.advance(1);
    const result = await p;
    expect(result.driverName).toBe('raw');
    expect(result.failed.map((f) => [f.driver, f.error.code])).toEqual([
      ['zebra-ssi', 'DEVICE_NO_ANSWER'],
      ['honeywell', 'DEVICE_TIMEOUT'],
      ['newland', 'DEVICE_BAD_OPTIONS'],
    ]);
    // The transport stays open for the session; probe drivers were reset and their timers cleared.
    expect(t.isOpen).toBe(true);
    expect(t.listenerCount('data')).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect((reg.made[1] as ReturnType<typeof fakeDriver>).resets).toHaveLength(1);
    await t.close();
  });

  it('fails with DEVICE_PROBE_FAILED naming what was tried', async () => {
    const reg = registry({
      'zebra-ssi': () =>
        fakeDriver('zebra-ssi', async () => {
          throw new DeviceError('DEVICE_NO_ANSWER', 'no');
        }),
    });
    const t = new MockTransport();
    const err = await probeDriver(t, { registry: reg, candidates: ['zebra-ssi'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DEVICE_PROBE_FAILED' });
    expect((err as Error).message).toContain('zebra-ssi: DEVICE_NO_ANSWER');
    await t.close();
  });

  it('stops when the device goes away while probing', async () => {
    const clock = new ManualClock();
    const t = new MockTransport();
    const reg = registry({ honeywell: () => fakeDriver('honeywell', silent), raw: () => createRawDriver() });
    const p = probeDriver(t, { registry: reg, candidates: ['honeywell', 'raw'], clock, timeoutMs: 100 });
    await settle();
    t.unplug();
    await settle();
    clock.advance(100);
    await expect(p).rejects.toThrow(/went away/);
    expect(reg.made).toHaveLength(1);
  });
});
