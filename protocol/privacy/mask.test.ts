import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEhcId, maskFreeText, maskIdNo, maskName, maskPhone } from './mask.js';

describe('masking', () => {
  it('masks the usual fields', () => {
    expect(maskIdNo('11010020171225006X')).toBe('110***********006X');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳修文')).toBe('欧***');
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskEhcId('98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928')).toBe(
      '98FF9F2C…1928',
    );
  });

  it('masks ID and phone numbers inside free text', () => {
    const s = maskFreeText('card 11010020171225006X of 13812341234 closed');
    expect(s).toBe('card 110***********006X of 138****1234 closed');
  });

  it('never reveals the middle of an ID number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const m = maskIdNo(id);
        expect(m).toHaveLength(18);
        expect(m.slice(3, 14)).toBe('*'.repeat(11));
        expect(maskFreeText(`x ${id} y`)).not.toContain(id.slice(3, 14));
      }),
    );
  });
});
