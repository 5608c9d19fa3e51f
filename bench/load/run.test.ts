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
    const text = formatLoadBench(r);
    expect(text).toMatch(/^register\s+\d+/m);
    expect(text).toMatch(/^verify\s+\d+/m);
  });
});
