import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { Lab } from '../../lab/lab.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('outbox durability', () => {
  it('survives kill -9 mid-delivery and delivers every card-use record exactly once', async () => {
    const lab = await Lab.start();
    cleanup.push(() => lab.close());
    const dir = mkdtempSync(join(tmpdir(), 'ehc-kill-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const N = 40;
    const ids = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        lab.app.register({
          name: '测试',
          idType: '01',
          idNo: `11010119800101${String(1000 + i)}`,
          phone: '13900000000',
        }),
      ),
    );
    const codes = await Promise.all(ids.map((id) => lab.app.code(id)));
    const config = {
      ...lab.agentConfig,
      scanners: [],
      verify: { ...lab.agentConfig.verify, mode: 'hsm' },
      storage: { file: join(dir, 'agent.db') },
      api: { ...lab.agentConfig.api, enabled: false },
      outbox: { batchSize: 5, baseBackoffMs: 50, maxBackoffMs: 500 },
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/outbox-child.ts')],
      {
        env: { ...process.env, EHC_CHILD_INPUT: JSON.stringify({ config, codes }) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanup.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    // Kill it as soon as half the codes were accepted: records are then partly delivered.
    const verdicts: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      let buf = '';
      child.stdout.on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        verdicts.push(...lines.filter((l) => l && l !== 'DONE'));
        if (verdicts.length >= N / 2) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) =>
        verdicts.length >= N / 2 ? resolve() : reject(new Error(`child exited ${code}`)),
      );
    });
    await new Promise((r) => child.once('exit', r));
    expect(verdicts.every((v) => v === 'VALID')).toBe(true);
    const accepted = verdicts.length;

    // A new agent on the same file delivers whatever the killed one had not.
    const agent = new Agent({
      config: parseAgentConfig(config),
      logger: pino({ level: 'silent' }),
      adminPassword: 'LabAdmin2026',
      fastPasswordHashing: true,
    });
    await agent.start();
    cleanup.push(async () => {
      await agent.stop();
    });
    await agent.flushOutbox();
    const stored = await lab.central.store.queryUseRecords({ limit: 1000 });
    const recordIds = stored.map((r) => r.recordId);
    expect(new Set(recordIds).size).toBe(recordIds.length);
    // Every code the child accepted before it died has exactly one record; a code whose record
    // was not yet committed was not accepted either (claim and record commit together).
    expect(recordIds.length).toBeGreaterThanOrEqual(accepted);
    expect(recordIds.length).toBeLessThanOrEqual(N);
    expect(agent.outbox.counts()).toMatchObject({ pending: 0, parked: 0 });
    // A second flush sends nothing new.
    await agent.flushOutbox();
    expect((await lab.central.store.queryUseRecords({ limit: 1000 })).length).toBe(recordIds.length);
  }, 60_000);
});
