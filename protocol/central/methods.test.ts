import { describe, expect, it } from 'vitest';
import {
  CENTRAL_METHODS,
  checkBizReply,
  checkBizRequest,
  isCentralMethod,
  MAX_USE_CARD_RECORDS,
  METHOD_SCHEMAS,
} from './methods.js';
import { SAMPLE_BIZ } from './samples.js';

describe('central methods and biz schemas', () => {
  it('names the six methods of the provincial platform', () => {
    expect(Object.keys(METHOD_SCHEMAS).sort()).toEqual(Object.values(CENTRAL_METHODS).sort());
    expect(CENTRAL_METHODS.verify).toBe('ehc.ehealthcode.verify');
    expect(CENTRAL_METHODS.usecarddate).toBe('ehc.ehealthcode.usecarddate');
    expect(isCentralMethod('ehc.ehealthcode.verify')).toBe(true);
    expect(isCentralMethod('toString')).toBe(false);
    expect(isCentralMethod(undefined)).toBe(false);
  });

  it('accepts every sample; copies known fields only; treats null optionals as absent', () => {
    for (const m of Object.values(CENTRAL_METHODS)) {
      expect(checkBizRequest(m, SAMPLE_BIZ[m].request)).toEqual({ ok: true, value: SAMPLE_BIZ[m].request });
      expect(checkBizReply(m, SAMPLE_BIZ[m].reply)).toEqual({ ok: true, value: SAMPLE_BIZ[m].reply });
    }
    const q = checkBizRequest(CENTRAL_METHODS.query, {
      ehealth_card_id: 'FAAD3E79',
      id_type: null,
      id_no: null,
      extra: 'dropped',
    });
    expect(q).toEqual({ ok: true, value: { ehealth_card_id: 'FAAD3E79' } });
  });

  it('verify needs the QR text, a 6-digit medstepcode, a terminal code and a 2-digit channel', () => {
    const v = SAMPLE_BIZ[CENTRAL_METHODS.verify].request;
    expect(checkBizRequest(CENTRAL_METHODS.verify, { ...v, medstepcode: '01010' }).ok).toBe(false);
    expect(checkBizRequest(CENTRAL_METHODS.verify, { ...v, channelcode: 1 }).ok).toBe(false);
    const { terminalcode: _t, ...noTerminal } = v;
    expect(checkBizRequest(CENTRAL_METHODS.verify, noTerminal)).toEqual({
      ok: false,
      error: 'terminalcode is required',
    });
    expect(checkBizRequest(CENTRAL_METHODS.verify, { ...v, ehealth_code: 'x'.repeat(513) }).ok).toBe(false);
  });

  it('query needs a card id or an id type and number', () => {
    expect(checkBizRequest(CENTRAL_METHODS.query, { rzfs: '05' }).ok).toBe(false);
    expect(checkBizRequest(CENTRAL_METHODS.query, { id_type: '01' }).ok).toBe(false);
    expect(checkBizRequest(CENTRAL_METHODS.query, { id_type: '01', id_no: '11010020171225006X' }).ok).toBe(
      true,
    );
  });

  it('usecarddate takes 1–100 records, each with a record id, and reports field paths', () => {
    const rec = SAMPLE_BIZ[CENTRAL_METHODS.usecarddate].request.records[0]!;
    const many = (n: number) => ({
      records: Array.from({ length: n }, (_, i) => ({ ...rec, record_id: `R${i}` })),
    });
    expect(checkBizRequest(CENTRAL_METHODS.usecarddate, many(MAX_USE_CARD_RECORDS)).ok).toBe(true);
    expect(checkBizRequest(CENTRAL_METHODS.usecarddate, many(MAX_USE_CARD_RECORDS + 1)).ok).toBe(false);
    expect(checkBizRequest(CENTRAL_METHODS.usecarddate, many(0)).ok).toBe(false);
    const bad = { records: [rec, { ...rec, use_time: '2026-01-01' }] };
    expect(checkBizRequest(CENTRAL_METHODS.usecarddate, bad)).toEqual({
      ok: false,
      error: 'records[1].use_time has the wrong format',
    });
    const { record_id: _r, ...noId } = rec;
    expect(checkBizRequest(CENTRAL_METHODS.usecarddate, { records: [noId] }).ok).toBe(false);
  });

  it('integers must be safe, non-negative integers where required', () => {
    const r = SAMPLE_BIZ[CENTRAL_METHODS.verify].reply;
    expect(checkBizReply(CENTRAL_METHODS.verify, { ...r, surplus_num: -1 }).ok).toBe(false);
    expect(checkBizReply(CENTRAL_METHODS.verify, { ...r, surplus_num: 1.5 }).ok).toBe(false);
    expect(checkBizReply(CENTRAL_METHODS.verify, { ...r, surplus_num: '1' }).ok).toBe(false);
    expect(checkBizReply(CENTRAL_METHODS.usecarddate, { accepted: [1], rejected: [] }).ok).toBe(false);
  });
});
