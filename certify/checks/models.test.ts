import { describe, expect, it } from 'vitest';
import { parseManualAnswers } from '../manual.js';
import { matchCertified } from './models.js';

const list = [
  { vendor: 'EHC Virtual', model: 'VT-1', firmware: ['1.0.0', '1.1.0'], certifiedModelId: 'EHC-VT-1' },
  { model: 'K2' },
];

describe('certified list matching', () => {
  it('needs the model, and the vendor, firmware and model id where the list names them', () => {
    const vt = { vendor: 'EHC Virtual', model: 'VT-1', firmware: '1.1.0', certifiedModelId: 'EHC-VT-1' };
    expect(matchCertified(list, vt)).toBe(list[0]);
    expect(matchCertified(list, { ...vt, firmware: '0.9' })).toBeUndefined();
    expect(matchCertified(list, { ...vt, vendor: 'Other' })).toBeUndefined();
    expect(matchCertified(list, { ...vt, certifiedModelId: 'EHC-VT-9' })).toBeUndefined();
    expect(matchCertified(list, { vendor: 'any', model: 'K2', firmware: 'x' })).toBe(list[1]);
    expect(matchCertified([], vt)).toBeUndefined();
  });
});

describe('manual answers', () => {
  const answer = { id: '5.1.4-1', verdict: 'pass', evidence: 'machine room inspected', reviewedBy: 'Li' };
  it('accepts answers with evidence and reviewer (automated items too: used only where the check defers)', () => {
    expect(parseManualAnswers([answer])).toEqual([answer]);
    expect(parseManualAnswers({ answers: [answer] })).toHaveLength(1);
    expect(parseManualAnswers([{ ...answer, id: '5.5-2' }])).toEqual([{ ...answer, id: '5.5-2' }]);
    expect(() => parseManualAnswers([{ ...answer, evidence: '' }])).toThrow(/evidence/);
    expect(() => parseManualAnswers([{ ...answer, verdict: 'maybe' }])).toThrow(/verdict/);
    expect(() => parseManualAnswers([{ ...answer, reviewedBy: ' ' }])).toThrow(/reviewedBy/);
    expect(() => parseManualAnswers([{ ...answer, id: '9.9' }])).toThrow(/unknown item/);
  });
});
