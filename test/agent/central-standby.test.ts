import { createServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { Lab } from '../../lab/lab.js';
import { scanEvent } from '../support/scan-event.js';

const labs: Lab[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) await l.close();
});

/** A loopback URL nothing listens on (a port that was just free). */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/erhc/ehealthcard/business.do`;
}

describe('agent config central.standbyUrls', () => {
  it('a verify whose primary refuses the connection is answered by the configured standby', async () => {
    const l = await Lab.start({ verifyMode: 'chain' });
    labs.push(l);
    const live = l.agentConfig.central;
    if (!live) throw new Error('the lab agent has no central service');
    const code = await l.app.code(
      await l.app.register({ name: '测试', idType: '01', idNo: '110101199003077777', phone: '13900000000' }),
    );
    const config = parseAgentConfig({
      terminal: l.agentConfig.terminal,
      verify: { mode: 'central' },
      central: { ...live, url: await deadUrl(), standbyUrls: [live.url] },
      storage: { file: ':memory:' },
      api: { enabled: false },
      log: { level: 'silent' },
    });
    const agent = new Agent({
      config,
      logger: pino({ level: 'silent' }),
      adminPassword: 'LabAdmin2026',
      fastPasswordHashing: true,
    });
    await agent.start();
    try {
      const e = await agent.pipeline.handle(scanEvent(code, 'window-1'));
      expect(e?.verdict).toMatchObject({ verdict: 'VALID', by: 'central' });
      expect(agent.central?.activeUrl).toBe(live.url);
    } finally {
      await agent.stop();
    }
  });
});
