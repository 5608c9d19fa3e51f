import { afterEach, describe, expect, it } from 'vitest';
import { createHsmClient, type HsmClient } from '../../clients/hsm/index.js';
import {
  type CentralServiceHandle,
  createCentralLogger,
  parseCentralConfig,
  startCentralService,
} from '../../sim/central/index.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { formatLoadBench } from './report.js';
import { runLoadBench } from './run.js';

/** The report's shape and the workload's correctness (every request a success), not its speed. */
describe('load/central', () => {
  let machine: CipherMachineServer | undefined;
  let hsm: HsmClient | undefined;
  let service: CentralServiceHandle | undefined;
  afterEach(async () => {
    await service?.close();
    await hsm?.close();
    await machine?.close();
  });

  it('runs every operation against its baseline and reports the documented JSON shape', async () => {
    machine = await CipherMachineServer.start({ keys: generateKeys(), lifetimeS: 120 });
    hsm = createHsmClient({ endpoints: [machine.address()], timeoutMs: 5_000, heartbeatMs: 0 });
    const cred = { appId: 'BENCH-APP', appSecret: 'bench-secret-016', terminalCode: 'BENCH-TERM' };
    service = await startCentralService({
      hsm,
      config: parseCentralConfig({
        apps: [{ appId: cred.appId, appSecret: cred.appSecret }],
        terminals: [{ terminalCode: cred.terminalCode }],
        validity: { lifetimeS: 120 },
        hsmTimeoutMs: 5_000,
        log: { level: 'silent' },
      }),
      logger: createCentralLogger('silent'),
    });
    const origin = new URL(service.url).origin;
    const r = await runLoadBench({
      target: { ...cred, url: service.url, noopUrl: `${origin}/noop` },
      durationS: 0.3,
      warmupS: 0,
      connections: 4,
      open: { rateRps: 200 },
      sweep: { op: 'verify', startRps: 100, factor: 2, stepRps: 0, maxRps: 200, stepS: 0.2 },
    });
    for (const op of ['register', 'generate', 'verify'] as const) {
      const o = r.operations[op];
      expect(o.failures, op).toEqual({});
      expect(o.successRate, op).toBe(1);
      expect(o.failures, op).toEqual({});
      for (const k of [
        'tps',
        'p50Ms',
        'p95Ms',
        'p99Ms',
        'maxMs',
        'baselineTps',
        'ratioToBaseline',
      ] as const) {
        expect(typeof o[k], `${op}.${k}`).toBe('number');
      }
      expect(o.requests, op).toBeGreaterThan(0);
      expect(o.p50Ms).toBeLessThanOrEqual(o.p99Ms);
      expect(o.p99Ms).toBeLessThanOrEqual(o.maxMs);
    }
    // Every counted success consumed a code of its own (requests sent after the phase ended are
    // not counted, so the service may have consumed a few more).
    expect((await service.store.counts()).usedCodes).toBeGreaterThanOrEqual(r.operations.verify.successes);
    // The open loop at 200/s and the sweep: the same operations, every request a success or
    // accounted for; the closed and open figures side by side in the report.
    for (const op of ['register', 'generate', 'verify'] as const) {
      const o = r.openLoop!.operations[op];
      expect(o.scheduled, op).toBe(60);
      expect(o.sent + o.dropped, op).toBe(60);
      expect(o.failures, op).toEqual({});
      expect(o.successRate, op).toBe(1);
      expect(o.baseline.successRate, op).toBe(1);
      expect(o.p50Ms).toBeLessThanOrEqual(o.p99Ms);
      expect(o.p99Ms).toBeLessThanOrEqual(o.p999Ms);
      expect(o.p999Ms).toBeLessThanOrEqual(o.maxMs);
    }
    const sweep = r.sweep!;
    expect(sweep.op).toBe('verify');
    // 100/s, then 200/s unless 100/s failed twice (p99 > 10 ms on a very busy machine).
    expect([[100], [100, 200]]).toContainEqual(sweep.steps.map((s) => s.rateRps));
    expect(sweep.kneeRps === null || sweep.kneeRps === 100 || sweep.kneeRps === 200).toBe(true);
    for (const step of sweep.steps) for (const a of step.attempts) expect(a.failures).toEqual({});
    const text = formatLoadBench(r);
    expect(text).toMatch(/^register\s+\d+/m);
    expect(text).toMatch(/^verify\s+\d+/m);
    expect(text).toMatch(/^verify\s+closed, 4 users/m);
    expect(text).toMatch(/^\s+open, 200\/s/m);
    expect(text).toMatch(/^sweep of verify/m);
    expect(text).toMatch(/^summary: register p99 closed/m);
  });
});
