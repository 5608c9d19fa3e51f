import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerdictEvent } from '../../agent/types.js';
import { Lab } from '../../lab/lab.js';
import { maskEhcId } from '../../protocol/privacy/mask.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('stop drains; a restart loses and duplicates nothing', () => {
  it('scans arriving while the agent restarts are verified before the stop or read again after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehc-drain-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const lab = await Lab.start({ storageFile: join(dir, 'agent.db'), dedupeWindowMs: 0 });
    cleanup.push(() => lab.close());
    const cards = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        lab.app.register({
          name: '测试',
          idType: '01',
          idNo: `11010119900401${String(1000 + i)}`,
          phone: '13900000000',
        }),
      ),
    );
    const codes = await Promise.all(cards.map((id) => lab.app.code(id)));
    const verdicts: VerdictEvent[] = [];
    const listen = () => lab.agent.pipeline.onVerdict((e) => verdicts.push(e));
    listen();

    const terminal = lab.terminal('window-1');
    const [first, second] = [codes.slice(0, 8), codes.slice(8)];
    for (const code of first) terminal.device.link.scan(code);
    // Stop while scans are in flight (received and acknowledged, verdict not yet recorded).
    const deadline = Date.now() + 2000;
    while (lab.agent.scansInFlight === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(lab.agent.scansInFlight).toBeGreaterThan(0);
    const stopped = lab.agent.stop();
    for (const code of second) terminal.device.link.scan(code); // the patient keeps scanning
    const report = await stopped;
    expect(report.pendingAtStop).toBeGreaterThan(0);
    expect(report.abandoned).toBe(0);
    const beforeRestart = verdicts.length;
    expect(beforeRestart).toBeGreaterThanOrEqual(report.pendingAtStop);

    await lab.restartAgent();
    listen();
    const byCard = (id: string) => verdicts.filter((v) => v.ehcIdMasked === maskEhcId(id));
    const until = Date.now() + 10_000;
    while (cards.some((id) => byCard(id).length === 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));

    for (const id of cards) {
      const vs = byCard(id);
      // Read once, or read again after the restart (the terminal re-sends what was not
      // acknowledged); either way exactly one acceptance, and any repeat is refused as used.
      expect(
        vs.filter((v) => v.verdict.verdict === 'VALID'),
        maskEhcId(id),
      ).toHaveLength(1);
      for (const v of vs.filter((x) => x.verdict.verdict !== 'VALID'))
        expect(v.verdict).toMatchObject({ reason: 'used' });
    }
    await lab.agent.flushOutbox();
    const records = await lab.central.store.queryUseRecords({ limit: 1000 });
    expect(records).toHaveLength(cards.length);
    expect(new Set(records.map((r) => r.ehcId))).toEqual(new Set(cards));
  }, 30_000);

  it('stop is idempotent and reports an agent with nothing in flight', async () => {
    const lab = await Lab.start();
    cleanup.push(() => lab.close());
    const a = lab.agent.stop();
    const b = lab.agent.stop();
    expect(a).toBe(b);
    expect(await a).toMatchObject({ pendingAtStop: 0, abandoned: 0 });
  });
});
