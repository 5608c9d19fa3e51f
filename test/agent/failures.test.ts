import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { Lab } from '../../lab/lab.js';
import { scanEvent } from '../support/scan-event.js';

const labs: Lab[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const l of labs.splice(0)) await l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function lab(opts: Parameters<typeof Lab.start>[0] = {}): Promise<Lab> {
  const l = await Lab.start(opts);
  labs.push(l);
  return l;
}

let n = 0;
const resident = (l: Lab) => {
  n++;
  return l.app.register({
    name: '测试',
    idType: '01',
    idNo: `1101011990030${String(70000 + n).slice(-5)}`,
    phone: '13900000000',
  });
};

describe('agent failure behaviour, end to end', () => {
  it('cipher machine killed: every code is refused as UNAVAILABLE, none accepted', async () => {
    const l = await lab();
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => resident(l)));
    const codes = await Promise.all(ids.map((id) => l.app.code(id)));
    await l.stopCipherMachine();
    for (const [i, code] of codes.entries()) {
      const e = await l.scan(i % 2 ? 'window-1' : 'kiosk-1', code);
      expect(e.verdict.verdict).toBe('UNAVAILABLE');
    }
    expect(l.agent.outbox.counts().pending + l.agent.outbox.counts().delivered).toBe(0);
  });

  it('central service down with the chain configured: the cipher machine path still works', async () => {
    const l = await lab({ verifyMode: 'chain' });
    const code = await l.app.code(await resident(l));
    await l.central.close();
    const e = await l.scan('window-1', code);
    expect(e.verdict).toMatchObject({ verdict: 'VALID', by: 'hsm' });
    // The card-use record waits in the outbox for the platform.
    expect(l.agent.outbox.counts().pending).toBe(1);
  });

  it('two agents (chain mode): a code accepted at one is refused at the other (central single use)', async () => {
    const l = await lab({ verifyMode: 'chain' });
    const code = await l.app.code(await resident(l));
    expect((await l.scan('window-1', code)).verdict.verdict).toBe('VALID');
    const other = new Agent({
      config: { ...l.agentConfig, scanners: [], api: { ...l.agentConfig.api, enabled: false } },
      logger: pino({ level: 'silent' }),
      adminPassword: 'LabAdmin2026',
      fastPasswordHashing: true,
    });
    await other.start();
    try {
      const e = await other.pipeline.handle(scanEvent(code, 'pharmacy-1'));
      expect(e?.verdict).toMatchObject({ verdict: 'INVALID', reason: 'replayed', by: 'central' });
    } finally {
      await other.stop();
    }
  });

  it('agent restarted: a code accepted before is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-agent-'));
    dirs.push(dir);
    const l = await lab({ storageFile: join(dir, 'agent.db') });
    const code = await l.app.code(await resident(l));
    expect((await l.scan('window-1', code)).verdict.verdict).toBe('VALID');
    await l.restartAgent();
    const again = await l.scan('kiosk-1', code);
    expect(again.verdict).toMatchObject({ verdict: 'INVALID', reason: 'replayed' });
  });

  it('scanner unplugged and replugged mid-stream: no verdict lost or duplicated', async () => {
    const l = await lab({ dedupeWindowMs: 0 });
    const ids = await Promise.all(Array.from({ length: 12 }, () => resident(l)));
    const codes = await Promise.all(ids.map((id) => l.app.code(id)));
    const seen: string[] = [];
    const off = l.agent.pipeline.onVerdict((e) => {
      if (e.deviceId === 'window-1') seen.push(e.ehcIdMasked ?? '');
    });
    const link = l.terminal('window-1').device.link;
    for (const [i, code] of codes.entries()) {
      if (i === 4) link.unplug();
      if (i === 8) link.replug();
      link.scan(code);
      await new Promise((r) => setTimeout(r, 10));
    }
    const deadline = Date.now() + 10_000;
    while (seen.length < codes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    off();
    expect(seen.length).toBe(codes.length);
    expect(new Set(seen).size).toBe(codes.length);
    expect(l.agent.outbox.counts().pending + l.agent.outbox.counts().delivered).toBe(codes.length);
  });
});
