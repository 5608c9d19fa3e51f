import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import type { VerdictEvent } from '../../agent/types.js';
import { createRawDriver } from '../../devices/drivers/raw/index.js';
import type { DriverRegistry } from '../../devices/drivers/registry.js';
import type { SerialListing } from '../../devices/manager/candidates.js';
import { MockTransport } from '../../devices/transports/mock.js';

const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

describe('agent with USB discovery', () => {
  it('adopts a scanner that appears on the bus (identified by its USB ids) and verifies its scans', async () => {
    const listing: SerialListing = {
      path: '/dev/ttyACM7',
      manufacturer: 'Zebra',
      serialNumber: 'SN-DISC-1',
      pnpId: undefined,
      locationId: undefined,
      vendorId: '05e0', // Zebra, "simple COM port emulation": raw text
      productId: '0600',
    };
    const transports: MockTransport[] = [];
    const registry: DriverRegistry = { has: (n) => n === 'raw', create: async () => createRawDriver() };
    const agent = new Agent({
      config: parseAgentConfig({
        discovery: { enabled: true, intervalMs: 500 },
        verify: { mode: 'hsm' },
        hsm: { primary: '127.0.0.1:9' }, // nothing listens: every code is refused (fail closed)
        storage: { file: ':memory:' },
        api: { enabled: false },
        log: { level: 'silent' },
      }),
      logger: pino({ level: 'silent' }),
      adminPassword: 'DiscAdmin2026',
      fastPasswordHashing: true,
      discovery: {
        listers: { serial: async () => [listing], hid: async () => [] },
        hotplug: null,
        registry,
        probeTimeoutMs: 200,
        openTransport: (d) => {
          const t = new MockTransport({ identity: d.identity });
          transports.push(t);
          return t;
        },
      },
    });
    agents.push(agent);
    await agent.start();
    const deadline = Date.now() + 5000;
    while (!agent.scanners.summaries().some((s) => s.connected)) {
      if (Date.now() > deadline) throw new Error('the discovered scanner was not adopted');
      await new Promise((r) => setTimeout(r, 20));
    }
    const [device] = agent.scanners.summaries();
    expect(device).toMatchObject({ path: '/dev/ttyACM7', connected: true, driver: 'raw', state: 'enabled' });
    const verdict = new Promise<VerdictEvent>((resolve) => agent.pipeline.onVerdict(resolve));
    transports.at(-1)!.feed('not an EHC code\r');
    const e = await verdict;
    expect(e.deviceId).toBe(device!.id);
    expect(e.verdict).toMatchObject({ verdict: 'INVALID', reason: 'malformed' });
  });
});
