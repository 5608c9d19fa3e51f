import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEhcCode } from '../../protocol/qr/index.js';
import { call, dynamicCode, type Harness, nextNo, registerCard, startHarness, verifyBiz } from './harness.js';

/**
 * Issue 15 item 1: every code generate hands out verifies valid exactly once, even when one card
 * asks for many codes within one second (the fake clock does not move between the requests).
 */
describe('central generate: distinct codes within one second', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function expectEachValidOnce(codes: readonly string[]): Promise<void> {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      const first = await call(h, 'ehc.ehealthcode.verify', verifyBiz(code));
      expect(first.status, code).toBe('success');
    }
    h.clock.advance(1); // a new request, not a replay of the same envelope
    for (const code of codes) {
      const again = await call(h, 'ehc.ehealthcode.verify', verifyBiz(code));
      expect(again, code).toMatchObject({ status: 'failure', errCode: 'CODE_USED' });
    }
  }

  it('20 generates in a tight loop for one card: 20 distinct codes, each valid exactly once', async () => {
    const ehcId = await registerCard(h, 1);
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push(await dynamicCode(h, ehcId));
    await expectEachValidOnce(codes);
  });

  it('20 concurrent generates for one card: 20 distinct codes, each valid exactly once', async () => {
    const ehcId = await registerCard(h, 2);
    const codes = await Promise.all(Array.from({ length: 20 }, () => dynamicCode(h, ehcId)));
    await expectEachValidOnce(codes);
  });

  it('a stepped-back code is dated to its reserved second and its expire_time follows it', async () => {
    const ehcId = await registerCard(h, 3);
    await dynamicCode(h, ehcId);
    const r = await call(h, 'ehc.ehealthcode.generate', {
      ehealth_card_id: ehcId,
      ewmbs: '0',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    if (r.status !== 'success') throw new Error(`generate failed: ${r.errCode}`);
    const code = parseEhcCode(r.biz.ehealth_code as string);
    if (!code.ok) throw new Error('unparsable code');
    const checked = await h.hsm.checkValidity(code.value.validity!, { nowMs: h.clock.now() });
    expect(checked.status === 'ok' && checked.value.generatedMs).toBe(h.clock.now() - 1000);
    // T0 is 10:00:00 Beijing time; stepped back to 09:59:59, valid 60 s from then.
    expect(r.biz.expire_time).toBe('20240301100059');
  });

  it('other cards are not affected: each card has its own seconds', async () => {
    const a = await registerCard(h, 4);
    const b = await registerCard(h, 5);
    const codes = [await dynamicCode(h, a), await dynamicCode(h, b), await dynamicCode(h, a)];
    const seconds = await Promise.all(
      codes.map(async (c) => {
        const p = parseEhcCode(c);
        if (!p.ok) throw new Error('unparsable code');
        const v = await h.hsm.checkValidity(p.value.validity!, { nowMs: h.clock.now() });
        return v.status === 'ok' ? v.value.generatedMs : -1;
      }),
    );
    expect(seconds).toEqual([h.clock.now(), h.clock.now(), h.clock.now() - 1000]);
    await expectEachValidOnce(codes);
  });

  it('past half the lifetime of seconds for one card the generate is refused BUSY, not a used code', async () => {
    const ehcId = await registerCard(h, 6);
    // lifetimeS 60: the current second and 30 earlier ones.
    const codes: string[] = [];
    for (let i = 0; i < 31; i++) codes.push(await dynamicCode(h, ehcId));
    const refused = await call(h, 'ehc.ehealthcode.generate', {
      ehealth_card_id: ehcId,
      ewmbs: '0',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    expect(refused).toMatchObject({ status: 'failure', errCode: 'BUSY' });
    h.clock.advance(1000); // the next second is free again
    codes.push(await dynamicCode(h, ehcId));
    await expectEachValidOnce(codes);
  });
});
