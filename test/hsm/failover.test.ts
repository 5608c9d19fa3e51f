// Primary/standby (spec §5.5-6): the primary dies under load, calls move to the standby; it comes back, they move back.
import { afterEach, describe, expect, it } from 'vitest';
import type { HsmResult, ValidityCheck } from '../../clients/hsm/types.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { Harness, KEYS, okValue, until } from './helpers.js';

const h = new Harness();
let restarted: CipherMachineServer | undefined;
afterEach(async () => {
  await restarted?.close();
  restarted = undefined;
  await h.cleanup();
});

describe('failover and fail-back', () => {
  it('primary killed → calls go to the standby, no failed call beyond those in flight; then back', async () => {
    const primary = await h.machine();
    const standby = await h.machine();
    const c = h.client([primary, standby], { timeoutMs: 2000, failbackMs: 20, poolSize: 2 });
    const block = okValue(await c.encryptValidity()).blockHex;

    const CONCURRENCY = 4;
    const results: HsmResult<ValidityCheck>[] = [];
    let killedAt = -1;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) results.push(await c.checkValidity(block));
    };
    const workers = Array.from({ length: CONCURRENCY }, worker);

    await until(() => results.length >= 300);
    killedAt = results.length;
    await primary.close();
    await until(() => results.length >= killedAt + 300);
    stop = true;
    await Promise.all(workers);

    const failed = results.filter((r) => r.status !== 'ok');
    // Only calls in flight on the dead connections may fail, and only as connection-lost.
    expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const r of failed) expect(r).toMatchObject({ status: 'unavailable', reason: 'connection-lost' });
    expect(results.slice(0, killedAt).every((r) => r.status === 'ok')).toBe(true);
    expect(results.slice(-100).every((r) => r.status === 'ok')).toBe(true);
    expect(c.status()).toMatchObject({ active: standby.endpoint, available: true });
    expect(c.status().counters.failovers).toBe(1);

    // The primary comes back on its address: the client fails back to it.
    const { host, port } = primary.address();
    restarted = await CipherMachineServer.start({ keys: KEYS, host, port });
    await until(() => c.status().active === restarted!.endpoint);
    expect(c.status().counters.failbacks).toBe(1);
    okValue(await c.checkValidity(block));
    expect(restarted.connectionCount).toBeGreaterThan(0);
  });
});
