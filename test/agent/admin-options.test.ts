import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config/agent-config.js';

describe('Agent adminClock and adminPolicy', () => {
  it('the account rules of the live agent run on the given clock and policy', async () => {
    let now = Date.UTC(2026, 0, 1);
    const config = parseAgentConfig({
      verify: { mode: 'hsm' },
      hsm: { primary: '127.0.0.1:1' },
      storage: { file: ':memory:' },
      api: { enabled: false },
      log: { level: 'silent' },
    });
    const agent = new Agent({
      config,
      logger: pino({ level: 'silent' }),
      adminPassword: 'LabAdmin2026',
      fastPasswordHashing: true,
      adminClock: () => now,
      adminPolicy: { idleTimeoutMs: 60_000 },
    });
    try {
      await agent.admin.bootstrap('LabAdmin2026');
      expect(agent.admin.policy.idleTimeoutMs).toBe(60_000);
      expect(agent.admin.policy.passwordMaxAgeMs).toBe(90 * 24 * 3600_000);
      const { token } = await agent.admin.auth.login('admin', 'LabAdmin2026', '127.0.0.1');
      now += 59_999;
      expect(agent.admin.auth.authenticate(token, '127.0.0.1').user).toBe('admin');
      now += 60_000;
      expect(() => agent.admin.auth.authenticate(token, '127.0.0.1')).toThrow(
        expect.objectContaining({ code: 'ADMIN_SESSION_EXPIRED' }),
      );
    } finally {
      await agent.stop();
    }
  });
});
