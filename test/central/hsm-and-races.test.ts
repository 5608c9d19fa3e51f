import { afterEach, describe, expect, it } from 'vitest';
import { sealRequest } from '../../protocol/central/index.js';
import {
  APP,
  call,
  dynamicCode,
  type Harness,
  nextNo,
  openAny,
  person,
  postJson,
  registerCard,
  startHarness,
  TERMINAL,
  testConfig,
  verifyBiz,
} from './harness.js';

describe('central service without its cipher machine (spec §5.2-4)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers HSM_UNAVAILABLE for register, generate and verify once the machine is gone', async () => {
    h = await startHarness();
    const ehcId = await registerCard(h, 1);
    const code = await dynamicCode(h, ehcId);
    const before = await h.service.store.counts();
    await h.hsmServer.close();

    const answers = [
      await call(h, 'ehc.ehealthcard.register', {
        register_no: nextNo('R'),
        register_time: '20240301100000',
        ...person(2),
      }),
      await call(h, 'ehc.ehealthcode.generate', {
        ehealth_card_id: ehcId,
        ewmbs: '0',
        generate_no: nextNo('G'),
        generate_time: '20240301100000',
      }),
      await call(h, 'ehc.ehealthcode.verify', verifyBiz(code)),
      await call(h, 'ehc.ehealthcode.verify', verifyBiz(`${ehcId}:1`)),
    ];
    for (const a of answers) {
      expect(a).toMatchObject({ status: 'failure', errCode: 'HSM_UNAVAILABLE' });
      if (a.status === 'failure') expect(a.msg).toMatch(/cipher machine unavailable/);
    }
    // Nothing was created or consumed.
    expect(await h.service.store.counts()).toEqual(before);
    const health = await fetch(`${h.service.origin}/healthz`);
    expect(health.status).toBe(503);
  });

  it('answers HSM_UNAVAILABLE when the machine hangs, within the call timeout', async () => {
    h = await startHarness({ hsmTimeoutMs: 1_000, config: testConfig({ hsmTimeoutMs: 1_000 }) });
    const code = await dynamicCode(h, await registerCard(h, 3));
    h.hsmServer.setFaults({ hang: true });
    const r = await call(h, 'ehc.ehealthcode.verify', verifyBiz(code));
    expect(r).toMatchObject({ status: 'failure', errCode: 'HSM_UNAVAILABLE' });
    // The code was not consumed: once the machine answers again it verifies.
    h.hsmServer.setFaults({});
    h.clock.advance(1);
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({ status: 'success' });
  });
});

describe('central service under concurrent presentations', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('200 concurrent verifies of one dynamic code from two terminals: exactly one success', async () => {
    h = await startHarness({
      config: testConfig({
        terminals: [{ terminalCode: TERMINAL }, { terminalCode: 'TERM-0002' }],
      }),
    });
    const code = await dynamicCode(h, await registerCard(h, 4));
    const now = h.clock.now();
    const bodies = Array.from({ length: 200 }, (_, i) =>
      sealRequest(
        {
          appId: APP.appId,
          termId: TERMINAL,
          method: 'ehc.ehealthcode.verify',
          version: '1.0.0',
          // Distinct requests (distinct digests), so the request replay cache is not what refuses them.
          timestamp: now - i,
          biz: verifyBiz(code, i % 2 === 0 ? TERMINAL : 'TERM-0002'),
        },
        APP.appSecret,
      ),
    );
    const replies = await Promise.all(bodies.map((b) => postJson(h!.service.url, b)));
    const outcomes = replies.map((r) => openAny(r.json));
    const ok = outcomes.filter((o) => o.code === '10');
    expect(ok).toHaveLength(1);
    expect(outcomes.filter((o) => o.errCode === 'CODE_USED')).toHaveLength(199);
    expect((await h.service.store.counts()).usedCodes).toBe(1);
  });

  it('concurrent registrations with one register_no store one card', async () => {
    h = await startHarness();
    const biz = { register_no: nextNo('R'), register_time: '20240301100000', ...person(5) };
    const now = h.clock.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(h!, 'ehc.ehealthcard.register', biz, { timestamp: now - i })),
    );
    const ids = new Set(answers.map((a) => (a.status === 'success' ? a.biz.ehealth_card_id : a.errCode)));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9A-F]{64}$/);
    expect((await h.service.store.counts()).cards).toBe(1);
  });
});
