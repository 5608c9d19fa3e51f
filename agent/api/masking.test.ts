import { describe, expect, it } from 'vitest';
import type { VerdictEvent } from '../types.js';
import { ensureMasked, maskEhcId, maskHolder, publicEvent, scrubText } from './masking.js';

const FULL_ID = '6836D27C966E1C1BB192F050778358E4AA0208EFBA111FC5CB90AD689124A19B';

describe('API masking', () => {
  it('re-masks a full EHC-ID to its first 8 and last 4 hex digits', () => {
    const masked = maskEhcId(FULL_ID);
    expect(masked.startsWith('6836D27C')).toBe(true);
    expect(masked.endsWith('A19B')).toBe(true);
    expect(masked.replace(/\*/g, '')).toBe('6836D27CA19B');
  });

  it('leaves an already masked EHC-ID alone', () => {
    expect(maskEhcId('6836D27C…A19B')).toBe('6836D27C…A19B');
    expect(maskEhcId('6836D27C****A19B')).toBe('6836D27C****A19B');
  });

  it('masks holder fields that show too much and keeps masked ones', () => {
    expect(maskHolder({ name: '张三丰', idNo: '11010020171225006X', phone: '13812345678' })).toEqual({
      name: '张**',
      idNo: '110***********006X',
      phone: '138****5678',
    });
    expect(maskHolder({ name: '张*', idNo: '110***********006X' })).toEqual({
      name: '张*',
      idNo: '110***********006X',
    });
    expect(ensureMasked('张三*', 1, 0)).toBe('张**');
  });

  it('scrubs ID and phone numbers out of free text', () => {
    const out = scrubText('card 11010020171225006X of 13812345678 refused');
    expect(out).not.toContain('11010020171225006X');
    expect(out).not.toContain('13812345678');
    expect(out).toContain('refused');
  });

  it('builds events from a whitelist: unknown fields are dropped', () => {
    const event = {
      id: 'r1',
      at: '2025-01-01T00:00:00.000Z',
      deviceId: 'd1',
      verdict: { verdict: 'INVALID', reason: 'expired', by: 'hsm', qrText: `${FULL_ID}:0:AB` },
      stagesMs: { total: 2, bogus: 9 },
      rawQr: `${FULL_ID}:0:AB`,
    } as unknown as VerdictEvent;
    const out = publicEvent(event);
    expect(JSON.stringify(out)).not.toContain(FULL_ID);
    expect(out).toEqual({
      id: 'r1',
      at: '2025-01-01T00:00:00.000Z',
      deviceId: 'd1',
      verdict: { verdict: 'INVALID', reason: 'expired', by: 'hsm' },
      stagesMs: { total: 2 },
    });
  });
});
