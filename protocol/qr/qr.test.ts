import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEhcErrorCode } from '../errors.js';
import { formatEhcCode } from './format.js';
import { parseEhcCode, stripScannerAdditions } from './parse.js';
import { type EhcCode, type EhcKind, MAX_QR_TEXT_LENGTH, QR_ERROR_TYPES, type QrErrorType } from './types.js';
import vectors from './vectors/qr-texts.json' with { type: 'json' };

const HEX = '0123456789ABCDEFabcdef'.split('');
const hexString = (n: number) =>
  fc.array(fc.constantFrom(...HEX), { minLength: n, maxLength: n }).map((a) => a.join(''));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');

const arbCode: fc.Arbitrary<Omit<EhcCode, 'raw'>> = fc
  .record({
    ehcId: fc.integer({ min: 1, max: 4 }).chain((k) => hexString(32 * k)),
    kind: fc.constantFrom<EhcKind>('static', 'dynamic', 'temporary'),
    validity: hexString(32),
    orgCode: fc.option(
      fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 32 }).map((a) => a.join('')),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ ehcId, kind, validity, orgCode }) => ({
    ehcId,
    kind,
    ...(kind === 'dynamic' ? { validity } : {}),
    ...(orgCode === undefined ? {} : { orgCode }),
  }));

/** What a scanner may wrap around the payload. */
const arbDecoration = fc.record({
  lead: fc.constantFrom('', ' ', '\t', '\r\n', '\uFEFF'),
  aim: fc.constantFrom('', ']Q0', ']Q1', ']Q2', ']Q3', ']Q4', ']Q5', ']Q6'),
  eci: fc.constantFrom('', '\\000026', '\\000003', '\\000029'),
  trail: fc.constantFrom('', '\r', '\n', '\r\n', ' \r\n', '\t'),
});

/** The canonical text, written independently of formatEhcCode. */
function canonicalText(c: Omit<EhcCode, 'raw'>): string {
  const digit = { static: '1', dynamic: '0', temporary: '9' }[c.kind];
  const head = `${c.ehcId.toUpperCase()}:${digit}`;
  const v = c.validity === undefined ? '' : `:${c.validity.toUpperCase()}`;
  if (c.orgCode === undefined) return head + v;
  return `${head}${v === '' ? ':' : v}:${c.orgCode}`;
}

function expectClosedError(text: string): void {
  const r = parseEhcCode(text);
  if (!r.ok) {
    expect(QR_ERROR_TYPES).toContain(r.error.type);
    expect(typeof r.error.message).toBe('string');
  }
}

describe('parseEhcCode on the vectors', () => {
  for (const v of vectors.valid) {
    it(v.name, () => {
      const r = parseEhcCode(v.text);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.ehcId).toBe(v.ehcId);
      expect(r.value.kind).toBe(v.kind);
      expect(r.value.validity).toBe('validity' in v ? v.validity : undefined);
      expect(r.value.orgCode).toBe('orgCode' in v ? v.orgCode : undefined);
      expect(r.value.raw).toBe('raw' in v ? v.raw : v.text);
      expect(formatEhcCode(r.value)).toBe(v.canonical);
    });
  }
  for (const v of vectors.invalid) {
    it(`rejects: ${v.name} → ${v.error}`, () => {
      const r = parseEhcCode(v.text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.type).toBe(v.error);
    });
  }

  it('reaches every error type (vectors plus an over-long text)', () => {
    const seen = new Set<QrErrorType>(vectors.invalid.map((v) => v.error as QrErrorType));
    const long = parseEhcCode('A'.repeat(MAX_QR_TEXT_LENGTH + 1));
    if (!long.ok) seen.add(long.error.type);
    expect([...seen].sort()).toEqual([...QR_ERROR_TYPES].sort());
  });

  it('never echoes the input in an error message', () => {
    for (const v of vectors.invalid) {
      const r = parseEhcCode(v.text);
      if (!r.ok && v.text.length > 8) expect(r.error.message).not.toContain(v.text.slice(0, 16));
    }
  });
});

describe('parseEhcCode length limit', () => {
  it('accepts exactly the maximum length and rejects one more, before any other check', () => {
    const id = 'A'.repeat(128);
    const body = `${id}:1`;
    const pad = ' '.repeat(MAX_QR_TEXT_LENGTH - body.length);
    expect(parseEhcCode(body + pad).ok).toBe(true);
    const r = parseEhcCode(`${body}${pad} `);
    expect(r.ok ? undefined : r.error.type).toBe('too-long');
  });

  it('rejects a 16 MB string by its length, before looking at its characters', () => {
    // Every character is outside the charset: had the parser scanned any of them first, the
    // error would be bad-charset. (No timing assertion: speed is measured in bench/, not here.)
    const huge = '\u00e9'.repeat(16 * 1024 * 1024);
    const r = parseEhcCode(huge);
    expect(r.ok ? undefined : r.error.type).toBe('too-long');
  });

  it('treats a non-string (from untyped callers) as a format error', () => {
    for (const x of [undefined, null, 42, {}, ['a:1']]) {
      const r = parseEhcCode(x as unknown as string);
      expect(r.ok ? undefined : r.error.type).toBe('format');
    }
  });
});

describe('format ∘ parse', () => {
  it('parse(format(code)) gives the code back (hex upper-cased) and format is canonical', () => {
    fc.assert(
      fc.property(arbCode, arbDecoration, (code, deco) => {
        const text = formatEhcCode(code);
        expect(text).toBe(canonicalText(code));
        const r = parseEhcCode(deco.lead + deco.aim + deco.eci + text + deco.trail);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.raw).toBe(text);
        expect(r.value.ehcId).toBe(code.ehcId.toUpperCase());
        expect(r.value.kind).toBe(code.kind);
        expect(r.value.validity).toBe(code.validity?.toUpperCase());
        expect(r.value.orgCode).toBe(code.orgCode);
        expect(formatEhcCode(r.value)).toBe(canonicalText(code));
      }),
      { numRuns: 300 },
    );
  });

  it('stripScannerAdditions removes exactly the scanner additions', () => {
    fc.assert(
      fc.property(arbCode, arbDecoration, (code, deco) => {
        const text = formatEhcCode(code);
        expect(stripScannerAdditions(deco.lead + deco.aim + deco.eci + text + deco.trail)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('formatEhcCode refuses fields no QR text can carry', () => {
    const id = 'A'.repeat(64);
    const bad: Omit<EhcCode, 'raw'>[] = [
      { ehcId: 'A'.repeat(48), kind: 'static' },
      { ehcId: 'Z'.repeat(64), kind: 'static' },
      { ehcId: id, kind: 'dynamic' },
      { ehcId: id, kind: 'dynamic', validity: 'A'.repeat(31) },
      { ehcId: id, kind: 'static', validity: 'A'.repeat(32) },
      { ehcId: id, kind: 'static', orgCode: 'a:b' },
      { ehcId: id, kind: 'bogus' as EhcKind },
    ];
    for (const c of bad) {
      expect(() => formatEhcCode(c)).toThrow(expect.objectContaining({ code: 'QR_INVALID_CODE' }));
      try {
        formatEhcCode(c);
      } catch (e) {
        expect(isEhcErrorCode(e, 'QR_INVALID_CODE')).toBe(true);
      }
    }
  });
});

describe('parseEhcCode on hostile input', () => {
  it('never throws on arbitrary unicode strings and yields only closed error types', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => expectClosedError(s)),
      { numRuns: 500 },
    );
  });

  it('never throws on near-miss texts built from the QR alphabet', () => {
    const alphabet = fc.constantFrom(...'0123456789ABCDEFabcdefXYZ:::  \r\n\\]Q'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (a) => expectClosedError(a.join(''))),
      { numRuns: 500 },
    );
  });

  it('a single-character change to a valid text either still parses or fails with a closed type', () => {
    fc.assert(
      fc.property(
        arbCode,
        fc.nat(),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        (code, at, ch) => {
          const text = formatEhcCode(code);
          const i = at % text.length;
          const mutated = text.slice(0, i) + ch + text.slice(i + 1);
          const r = parseEhcCode(mutated);
          if (!r.ok) {
            expect(QR_ERROR_TYPES).toContain(r.error.type);
            return;
          }
          // Whatever parses formats back to a text that parses to the same fields.
          const again = parseEhcCode(formatEhcCode(r.value));
          expect(again.ok && { ...again.value, raw: '' }).toEqual({ ...r.value, raw: '' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a non-hex character in the EHC-ID is bad-ehc-id', () => {
    fc.assert(
      fc.property(arbCode, fc.nat(), fc.constantFrom(...'GHXYZghxyz-_.'.split('')), (code, at, ch) => {
        const text = formatEhcCode(code);
        const i = at % code.ehcId.length;
        const r = parseEhcCode(text.slice(0, i) + ch + text.slice(i + 1));
        expect(r.ok ? undefined : r.error.type).toBe('bad-ehc-id');
      }),
      { numRuns: 100 },
    );
  });
});
