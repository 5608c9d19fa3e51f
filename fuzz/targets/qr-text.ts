/** The EHC QR text codec: `parseEhcCode` on anything a scanner can deliver; format ∘ parse is stable. */
import fc from 'fast-check';
import { formatEhcCode, parseEhcCode } from '../../protocol/qr/index.js';
import { damagedText } from '../mutate.js';
import { expectEqual, type FuzzTarget } from '../target.js';

const HEX = '0123456789ABCDEF'.split('');
const hex = (n: number) =>
  fc.array(fc.constantFrom(...HEX), { minLength: n, maxLength: n }).map((a) => a.join(''));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');

const validText: fc.Arbitrary<string> = fc
  .record({
    ehcId: fc.integer({ min: 1, max: 4 }).chain((k) => hex(32 * k)),
    kind: fc.constantFrom('static' as const, 'dynamic' as const, 'temporary' as const),
    validity: hex(32),
    orgCode: fc.option(
      fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 32 }).map((a) => a.join('')),
      {
        nil: undefined,
      },
    ),
    lead: fc.constantFrom('', ']Q1', ']Q3\\000026', ' '),
    trail: fc.constantFrom('', '\r\n', '\r', '\n'),
  })
  .map(({ lead, trail, kind, validity, orgCode, ehcId }) => {
    const fields = {
      ehcId,
      kind,
      ...(kind === 'dynamic' ? { validity } : {}),
      ...(orgCode === undefined ? {} : { orgCode }),
    };
    return lead + formatEhcCode(fields) + trail;
  });

export const qrText: FuzzTarget<string> = {
  name: 'qr-text',
  what: 'EHC QR text (<EHC-ID>:<type>[:<validity>[:<org>]])',
  input: fc.oneof(
    { weight: 1, arbitrary: validText },
    { weight: 3, arbitrary: damagedText(validText) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 700 }) },
  ),
  run(text) {
    const r = parseEhcCode(text);
    if (!r.ok) return r.error.type;
    const again = parseEhcCode(formatEhcCode(r.value));
    if (!again.ok) throw new Error(`format of a parsed code does not parse: ${again.error.type}`);
    expectEqual('format ∘ parse', { ...again.value, raw: '' }, { ...r.value, raw: '' });
    return 'ok';
  },
};
