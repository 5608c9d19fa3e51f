import { createCipheriv, createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDigest, digestInput, encryptBizContent } from './crypto.js';
import { type CentralDialect, PROVINCIAL_DIALECT } from './dialect.js';
import { type CentralRequestEnvelope, digestFields } from './envelope.js';
import { ENVELOPE_ERROR_TYPES, type EnvelopeErrorType } from './errors.js';
import { CENTRAL_METHODS, type CentralMethod } from './methods.js';
import { openRequest, sealRequest } from './request.js';
import { SAMPLE_BIZ } from './samples.js';

const SECRET = '6046887813FCFA19';
const APP = '9D19FF05-4D51-4596-BEC5-CAD5818A0385';
const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const lookupSecret = (id: string) => (id === APP ? SECRET : undefined);
const head = { appId: APP, termId: 'SK0001', version: '1.0.0', timestamp: NOW } as const;
const METHODS = Object.values(CENTRAL_METHODS);

const DIALECTS: CentralDialect[] = [
  PROVINCIAL_DIALECT,
  { ...PROVINCIAL_DIALECT, name: 'hex-gbk-bare', bizEncoding: 'hex', charset: 'gbk', secretSuffix: 'bare' },
];

function seal<M extends CentralMethod>(method: M, dialect = PROVINCIAL_DIALECT, timestamp = NOW) {
  return sealRequest({ ...head, timestamp, method, biz: SAMPLE_BIZ[method].request }, SECRET, dialect);
}

function errorType(r: ReturnType<typeof openRequest>): EnvelopeErrorType | undefined {
  return r.ok ? undefined : r.error.type;
}

describe('request envelope: known answer, computed independently with node:crypto', () => {
  it('digest input, digest and biz_content match the documented construction', () => {
    const env = seal(CENTRAL_METHODS.verify);
    const plaintext = JSON.stringify(SAMPLE_BIZ[CENTRAL_METHODS.verify].request);
    const input =
      `app_id=${APP}&biz_content=${plaintext}&digest_type=SM3&enc_type=SM4` +
      `&method=ehc.ehealthcode.verify&term_id=SK0001&timestamp=${NOW}&version=1.0.0&app_secret=${SECRET}`;
    expect(digestInput({ ...env, biz_content: plaintext }, SECRET, PROVINCIAL_DIALECT)).toBe(input);
    expect(env.digest).toBe(createHash('sm3').update(input, 'utf8').digest('hex'));
    const c = createCipheriv('sm4-ecb', Buffer.from(SECRET, 'ascii'), null);
    const expected = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]).toString('base64');
    expect(env.biz_content).toBe(expected);
    expect(Object.keys(env).sort()).toEqual(
      [
        'app_id',
        'biz_content',
        'digest',
        'digest_type',
        'enc_type',
        'method',
        'term_id',
        'timestamp',
        'version',
      ].sort(),
    );
  });

  it('the bare dialect appends the secret without a label; hex dialect writes upper-case hex', () => {
    const d = DIALECTS[1]!;
    const env = seal(CENTRAL_METHODS.close, d);
    const plaintext = JSON.stringify(SAMPLE_BIZ[CENTRAL_METHODS.close].request);
    expect(
      digestInput({ ...env, biz_content: plaintext }, SECRET, d).endsWith(`&version=1.0.0${SECRET}`),
    ).toBe(true);
    expect(env.biz_content).toMatch(/^[0-9A-F]+$/);
  });
});

describe('request envelope round trips', () => {
  for (const dialect of DIALECTS) {
    for (const method of METHODS) {
      it(`${dialect.name}: ${method}`, () => {
        const wire = JSON.parse(JSON.stringify(seal(method, dialect)));
        const r = openRequest(wire, { lookupSecret, now: NOW + 1000, dialect });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toEqual({ ...head, method, biz: SAMPLE_BIZ[method].request });
      });
    }
  }

  it('random verify payloads (unicode terminal ids) round trip in both dialects, as text or object', () => {
    const gbkSafe = fc.string({
      unit: fc.constantFrom(...'abcXYZ019-_ 张三李四医院终端'.split('')),
      maxLength: 40,
    });
    fc.assert(
      fc.property(gbkSafe, fc.constantFrom(...DIALECTS), fc.boolean(), (terminalcode, dialect, asText) => {
        const biz = { ...SAMPLE_BIZ[CENTRAL_METHODS.verify].request, terminalcode };
        const env = sealRequest({ ...head, method: CENTRAL_METHODS.verify, biz }, SECRET, dialect);
        const r = openRequest(asText ? JSON.stringify(env) : env, { lookupSecret, now: NOW, dialect });
        expect(r.ok && r.value.biz).toEqual(biz);
      }),
      { numRuns: 60 },
    );
  });
});

describe('request envelope failures', () => {
  const env = seal(CENTRAL_METHODS.verify);
  const open = (body: unknown, now = NOW) => openRequest(body, { lookupSecret, now });

  it('changing any field, by any amount, fails', () => {
    const keys = Object.keys(env) as (keyof CentralRequestEnvelope)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.nat(),
        (k, s, at) => {
          const old = env[k];
          const i = at % (old.length + 1);
          const changed = old.slice(0, i) + s + old.slice(i + (at % 2));
          fc.pre(changed !== old);
          const r = open({ ...env, [k]: changed });
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('flipping one bit of the ciphertext fails', () => {
    const c = Buffer.from(env.biz_content, 'base64');
    for (let i = 0; i < c.length; i += 5) {
      const d = Buffer.from(c);
      d[i]! ^= 0x01;
      expect(open({ ...env, biz_content: d.toString('base64') }).ok).toBe(false);
    }
  });

  it('reaches every error type', () => {
    const seen = new Set<EnvelopeErrorType | undefined>([
      errorType(open('not json')),
      errorType(open({ ...env, digest_type: 'MD5' })),
      errorType(open({ ...env, app_id: 'someone-else' })),
      errorType(open({ ...env, biz_content: '!!' })),
      errorType(open({ ...env, digest: 'a'.repeat(64) })),
      errorType(open(env, NOW + 5 * 60_000 + 1)),
    ]);
    expect([...seen].sort()).toEqual([...ENVELOPE_ERROR_TYPES].sort());
  });

  it('classifies each failure precisely', () => {
    expect(errorType(open({ ...env, method: 'ehc.unknown' }))).toBe('malformed');
    expect(errorType(open({ ...env, timestamp: '12a' }))).toBe('malformed');
    expect(errorType(open({ ...env, term_id: 'a&b' }))).toBe('malformed');
    expect(errorType(open([env]))).toBe('malformed');
    expect(errorType(open({ ...env, app_id: 'x' }))).toBe('unknown-app');
    expect(errorType(openRequest(env, { lookupSecret: () => 'short', now: NOW }))).toBe('unknown-app');
    expect(
      errorType(
        openRequest(env, {
          lookupSecret: () => {
            throw new Error('db down');
          },
          now: NOW,
        }),
      ),
    ).toBe('unknown-app');
    expect(errorType(openRequest(env, { lookupSecret: () => 'F52429A934723DB0', now: NOW }))).toBe(
      'bad-encryption',
    );
    expect(errorType(open({ ...env, timestamp: String(NOW + 1) }))).toBe('bad-digest');
    expect(errorType(open(env, NOW - 5 * 60_000 - 1))).toBe('stale-timestamp');
    expect(open(env, NOW - 5 * 60_000).ok).toBe(true);
    expect(errorType(openRequest(env, { lookupSecret, now: NOW + 2000, maxSkewMs: 1000 }))).toBe(
      'stale-timestamp',
    );
  });

  it('an authentic envelope whose biz is not JSON or does not fit its method is malformed', () => {
    const h = {
      app_id: APP,
      term_id: 'SK0001',
      method: CENTRAL_METHODS.verify,
      version: '1.0.0',
      timestamp: String(NOW),
      digest_type: 'SM3',
      enc_type: 'SM4',
    };
    const sealBy = (plaintext: string) => ({
      ...h,
      biz_content: encryptBizContent(plaintext, SECRET, PROVINCIAL_DIALECT),
      digest: computeDigest(digestFields(h, plaintext, 'request'), SECRET, PROVINCIAL_DIALECT),
    });
    expect(open(sealBy(JSON.stringify(SAMPLE_BIZ[CENTRAL_METHODS.verify].request))).ok).toBe(true);
    expect(errorType(open(sealBy('{"ehealth_code":"x"}')))).toBe('malformed');
    expect(errorType(open(sealBy('not json')))).toBe('malformed');
    expect(errorType(open(sealBy('[]')))).toBe('malformed');
  });

  it('never throws on arbitrary bodies and only yields the closed error types', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.string(), fc.record({ app_id: fc.string(), method: fc.string() })),
        (b) => {
          const r = open(b);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(ENVELOPE_ERROR_TYPES).toContain(r.error.type);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sealRequest refuses bad secrets, heads and biz objects', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    const biz = SAMPLE_BIZ[CENTRAL_METHODS.verify].request;
    const method = CENTRAL_METHODS.verify;
    expect(() => sealRequest({ ...head, method, biz }, 'short')).toThrow(code('CENTRAL_BAD_SECRET'));
    expect(() => sealRequest({ ...head, method, biz: { ...biz, medstepcode: '1' } }, SECRET)).toThrow(
      code('CENTRAL_BAD_BIZ'),
    );
    expect(() => sealRequest({ ...head, appId: 'a b', method, biz }, SECRET)).toThrow(
      code('CENTRAL_BAD_FIELD'),
    );
    const gbk = { ...PROVINCIAL_DIALECT, charset: 'gbk' as const };
    expect(() => sealRequest({ ...head, method, biz: { ...biz, terminalcode: '😀' } }, SECRET, gbk)).toThrow(
      code('CENTRAL_BAD_FIELD'),
    );
  });
});
