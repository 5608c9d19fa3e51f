import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../agent/types.js';
import { type LabSystem, startLab } from '../../lab/start.js';

const TOKEN = 'console-state-token-0123456789';

describe('GET /console/state on a real agent (lab)', () => {
  let lab: LabSystem;
  let url: string;
  beforeAll(async () => {
    lab = await startLab({
      terminals: [{ id: 'window-1', terminalCode: 'WIN-0001', channelCode: '01' }],
      agents: [{ api: { tokens: [TOKEN] } }],
    });
    url = lab.agents.get('agent')!.agent.apiUrl!;
  });
  afterAll(async () => {
    await lab?.stop();
  });

  const state = async (): Promise<ConsoleSnapshot> => {
    const res = await fetch(`${url}/console/state`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as ConsoleSnapshot;
  };

  it('after a scan: the device has its last scan (masked), each stage a sample, the outbox its last delivery, both peers up', async () => {
    const before = await state();
    expect(before.devices).toMatchObject([{ id: 'window-1', connected: true }]);
    expect(before.devices[0]!.lastScan).toBeUndefined();
    expect(before.stages.total).toEqual([]);
    expect(before.certify).toBeNull();

    const app = lab.app!;
    const ehcId = await app.register({
      name: '测试',
      idType: '01',
      idNo: '110101199003075112',
      phone: '13900000001',
    });
    const event = await lab.scan('window-1', await app.code(ehcId));
    expect(event.verdict.verdict).toBe('VALID');
    const agent = lab.agents.get('agent')!.agent;
    await agent.settled();
    await agent.flushOutbox();

    const after = await state();
    const text = JSON.stringify(after);
    expect(text).not.toContain(ehcId);
    const last = after.devices[0]!.lastScan!;
    expect(last.verdict).toBe('VALID');
    expect(last.ehcIdMasked!.replace(/[^0-9A-F]/gi, '')).toBe(ehcId.slice(0, 8) + ehcId.slice(-4));
    for (const stage of ['transport', 'parse', 'verify', 'feedback', 'total'] as const) {
      expect(after.stages[stage]).toHaveLength(1);
    }
    expect(after.outbox).toMatchObject({ pending: 0, parked: 0, delivered: 1 });
    expect(Date.parse(after.outbox.lastDeliveryAt!)).toBeGreaterThan(Date.now() - 10_000);
    expect(after.cipherMachine).toMatchObject({ available: true });
    expect(after.cipherMachine!.active).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(after.central).toMatchObject({
      available: true,
      active: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
    });
  });
});
