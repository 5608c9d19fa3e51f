import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEhcCode } from '../../protocol/qr/index.js';
import {
  call,
  dynamicCode,
  type Harness,
  nextNo,
  person,
  registerCard,
  startHarness,
  TERMINAL,
  verifyBiz,
} from './harness.js';

/** Each method's success path, through real HTTP and a real soft cipher machine. */
describe('central service methods', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('register derives the EHC-ID through the cipher machine and answers the static code', async () => {
    const r = await call(h, 'ehc.ehealthcard.register', {
      register_no: nextNo('R'),
      register_time: '20240301100000',
      ...person(1),
      gender: '1',
      cellphone: '13812345678',
      address: '成都市武侯区',
    });
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    const ehcId = r.biz.ehealth_card_id as string;
    expect(ehcId).toMatch(/^[0-9A-F]{64}$/);
    expect(r.biz.ehealth_code).toBe(`${ehcId}:1`);
    const card = await h.service.store.findCardByEhcId(ehcId);
    expect(card?.mainIndexId).toMatch(/^[0-9A-F]{64}$/);
    // The stored EHC-ID is the one the cipher machine derives from the main index and the person.
    const again = await h.hsm.deriveEhcId(card!.mainIndexId, '01', person(1).id_no);
    expect(again).toEqual({ status: 'ok', value: ehcId });
    expect(card?.details.address).toBe('成都市武侯区');
  });

  it('register is idempotent on register_no and gives one card per person', async () => {
    const biz = { register_no: nextNo('R'), register_time: '20240301100000', ...person(2) };
    const a = await call(h, 'ehc.ehealthcard.register', biz);
    h.clock.advance(1); // the same registration sent again as a new request
    const b = await call(h, 'ehc.ehealthcard.register', biz);
    const c = await call(h, 'ehc.ehealthcard.register', { ...biz, register_no: nextNo('R') });
    expect(a.status).toBe('success');
    if (a.status !== 'success' || b.status !== 'success' || c.status !== 'success') {
      throw new Error('expected three successes');
    }
    expect(b.biz.ehealth_card_id).toBe(a.biz.ehealth_card_id);
    expect(c.biz.ehealth_card_id).toBe(a.biz.ehealth_card_id);
    expect((await h.service.store.counts()).cards).toBe(1);
    h.clock.advance(1);
    const other = await call(h, 'ehc.ehealthcard.register', { ...biz, ...person(3) });
    expect(other).toMatchObject({ status: 'failure', errCode: 'REGISTER_CONFLICT' });
  });

  it('generate makes a dynamic code whose validity block the cipher machine dates to now', async () => {
    const ehcId = await registerCard(h, 4);
    const r = await call(h, 'ehc.ehealthcode.generate', {
      ehealth_card_id: ehcId,
      ewmbs: '0',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    const code = parseEhcCode(r.biz.ehealth_code as string);
    expect(code.ok && code.value.kind).toBe('dynamic');
    if (!code.ok) return;
    expect(code.value.ehcId).toBe(ehcId);
    const checked = await h.hsm.checkValidity(code.value.validity!, { nowMs: h.clock.now() });
    expect(checked.status === 'ok' && checked.value.generatedMs).toBe(h.clock.now());
    expect(r.biz.expire_time).toBe('20240301100100');
  });

  it('generate with ewmbs 1 answers the static code', async () => {
    const ehcId = await registerCard(h, 5);
    const r = await call(h, 'ehc.ehealthcode.generate', {
      ehealth_card_id: ehcId.toLowerCase(),
      ewmbs: '1',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    expect(r).toEqual({ status: 'success', biz: { ehealth_code: `${ehcId}:1` } });
  });

  it('verify accepts a fresh dynamic code once and answers masked holder data', async () => {
    const ehcId = await registerCard(h, 6);
    const code = await dynamicCode(h, ehcId);
    h.clock.advance(30_000);
    const r = await call(h, 'ehc.ehealthcode.verify', verifyBiz(code));
    expect(r).toEqual({
      status: 'success',
      biz: {
        ehealth_card_id: ehcId,
        code_kind: '0',
        id_type: '01',
        id_no: '110***********0006',
        name: '测***',
        surplus_num: 0,
      },
    });
    expect(JSON.stringify(r)).not.toContain(person(6).id_no);
  });

  it('verify accepts a static code repeatedly', async () => {
    const ehcId = await registerCard(h, 7);
    for (let i = 0; i < 2; i++) {
      h.clock.advance(1);
      const r = await call(h, 'ehc.ehealthcode.verify', verifyBiz(`]Q1${ehcId}:1\r\n`));
      expect(r).toMatchObject({ status: 'success', biz: { ehealth_card_id: ehcId, code_kind: '1' } });
    }
  });

  it('query finds a card by EHC-ID and by id type + number, masked', async () => {
    const ehcId = await registerCard(h, 8);
    const byId = await call(h, 'ehc.ehealthcode.query', { ehealth_card_id: ehcId });
    const byPerson = await call(h, 'ehc.ehealthcode.query', { id_type: '01', id_no: person(8).id_no });
    const expected = {
      status: 'success',
      biz: {
        ehealth_card_id: ehcId,
        id_type: '01',
        id_no: '110***********0008',
        name: '测***',
        card_attr: '2',
        card_status: '1',
        ehealth_code: `${ehcId}:1`,
      },
    };
    expect(byId).toEqual(expected);
    expect(byPerson).toEqual(expected);
  });

  it('close closes a card (idempotently) and query shows it closed', async () => {
    const ehcId = await registerCard(h, 9);
    const biz = { ehealth_card_id: ehcId, revoke_no: nextNo('C'), revoke_time: '20240301100000' };
    expect(await call(h, 'ehc.ehealthcard.close', biz)).toEqual({
      status: 'success',
      biz: { ehealth_card_id: ehcId },
    });
    h.clock.advance(1); // a new request (a different timestamp), not a replay of the first
    expect(await call(h, 'ehc.ehealthcard.close', biz)).toMatchObject({ status: 'success' });
    const q = await call(h, 'ehc.ehealthcode.query', { ehealth_card_id: ehcId });
    expect(q).toMatchObject({ status: 'success', biz: { card_status: '2' } });
  });

  it('usecarddate stores a batch and answers which records were accepted', async () => {
    const ehcId = await registerCard(h, 10);
    const rec = (id: string, terminalcode = TERMINAL) => ({
      record_id: id,
      ehealth_card_id: ehcId,
      code_kind: '0',
      medstepcode: '010101',
      channelcode: '02',
      terminalcode,
      use_time: '20240301100005',
    });
    const r = await call(h, 'ehc.ehealthcode.usecarddate', {
      records: [rec('u-1'), rec('u-2'), rec('u-3', 'NO-SUCH-TERMINAL')],
    });
    expect(r).toEqual({
      status: 'success',
      biz: { accepted: ['u-1', 'u-2'], rejected: [{ record_id: 'u-3', err_code: 'TERMINAL_UNKNOWN' }] },
    });
    const stored = await h.service.store.queryUseRecords({ limit: 10 });
    expect(stored.map((s) => [s.recordId, s.codeKind, s.terminalCode])).toEqual([
      ['u-1', 'dynamic', TERMINAL],
      ['u-2', 'dynamic', TERMINAL],
    ]);
  });
});
