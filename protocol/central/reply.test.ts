import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CentralDialect, classifyResultCode, PROVINCIAL_DIALECT } from './dialect.js';
import type { CentralReplyEnvelope } from './envelope.js';
import { CENTRAL_ERR_CODES, errCodeForEnvelopeError } from './err-codes.js';
import { ENVELOPE_ERROR_TYPES } from './errors.js';
import { CENTRAL_METHODS, type CentralMethod } from './methods.js';
import { openReply, sealReply, unsignedFailureReply } from './reply.js';
import { SAMPLE_BIZ } from './samples.js';

const SECRET = 'F52429A934723DB0';
const APP = '03C28F65-4154-4BF9-86C4-314F5902B69A';
const NOW = Date.UTC(2026, 0, 1, 8, 0, 0);
const base = { appId: APP, termId: 'SK0001', version: '1.0.0', timestamp: NOW } as const;
const METHODS = Object.values(CENTRAL_METHODS);

function success<M extends CentralMethod>(method: M, dialect: CentralDialect = PROVINCIAL_DIALECT) {
  return sealReply(
    { ...base, method, outcome: { ok: true, biz: SAMPLE_BIZ[method].reply } },
    SECRET,
    dialect,
  );
}
const request = <M extends CentralMethod>(method: M) => ({ appId: APP, termId: 'SK0001', method });

describe('reply envelope', () => {
  for (const method of METHODS) {
    it(`success round trip: ${method}`, () => {
      const env = JSON.parse(JSON.stringify(success(method)));
      expect(env.code).toBe('10');
      expect(env.err_code).toBeUndefined();
      const r = openReply(env, { secret: SECRET, request: request(method), now: NOW });
      expect(r.ok && r.value).toEqual({
        status: 'success',
        timestamp: NOW,
        msg: 'success',
        biz: SAMPLE_BIZ[method].reply,
      });
    });
  }

  it('failure round trip carries err_code and msg; an empty biz object', () => {
    const method = CENTRAL_METHODS.verify;
    const env = sealReply(
      {
        ...base,
        method,
        outcome: { ok: false, errCode: CENTRAL_ERR_CODES.codeExpired, msg: '二维码已过期' },
      },
      SECRET,
    );
    expect(env.code).toBe('00');
    const r = openReply(env, { secret: SECRET, request: request(method) });
    expect(r.ok && r.value).toEqual({
      status: 'failure',
      timestamp: NOW,
      msg: '二维码已过期',
      errCode: 'CODE_EXPIRED',
    });
  });

  it('another dialect: its own result codes', () => {
    const d: CentralDialect = {
      ...PROVINCIAL_DIALECT,
      name: 'x',
      resultCodes: { success: '200', failure: '500' },
    };
    const env = success(CENTRAL_METHODS.close, d);
    expect(env.code).toBe('200');
    expect(openReply(env, { secret: SECRET, request: request(CENTRAL_METHODS.close), dialect: d }).ok).toBe(
      true,
    );
    expect(openReply(env, { secret: SECRET, request: request(CENTRAL_METHODS.close) }).ok).toBe(false);
    expect(classifyResultCode('10')).toBe('success');
    expect(classifyResultCode('00')).toBe('failure');
    expect(classifyResultCode('0')).toBe('unknown');
  });

  it('changing any field of a reply fails (including code, msg and err_code)', () => {
    const method = CENTRAL_METHODS.verify;
    const envs: CentralReplyEnvelope[] = [
      success(method),
      sealReply({ ...base, method, outcome: { ok: false, errCode: 'CODE_USED', msg: 'used' } }, SECRET),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...envs),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 6 }),
        (env, pick, s) => {
          const keys = Object.keys(env) as (keyof CentralReplyEnvelope)[];
          const k = keys[pick % keys.length]!;
          const old = env[k] ?? '';
          const changed = old + s;
          const r = openReply(
            { ...env, [k]: changed },
            { secret: SECRET, request: request(method), now: NOW },
          );
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
    // Adding err_code to a success reply, or removing it from a failure, breaks the digest.
    const [ok, ko] = envs as [CentralReplyEnvelope, CentralReplyEnvelope];
    expect(openReply({ ...ok, err_code: 'X' }, { secret: SECRET, request: request(method) }).ok).toBe(false);
    const { err_code: _drop, ...noErr } = ko;
    expect(openReply(noErr, { secret: SECRET, request: request(method) }).ok).toBe(false);
  });

  it('refuses replies to another request, unknown codes, stale or unsigned replies, and bad biz', () => {
    const env = success(CENTRAL_METHODS.verify);
    const open = (body: unknown, extra: object = {}) =>
      openReply(body, { secret: SECRET, request: request(CENTRAL_METHODS.verify), ...extra });
    const type = (r: ReturnType<typeof open>) => (r.ok ? undefined : r.error.type);
    expect(type(open(env, { request: request(CENTRAL_METHODS.query) }))).toBe('malformed');
    expect(type(open(env, { request: { ...request(CENTRAL_METHODS.verify), termId: 'SK0002' } }))).toBe(
      'malformed',
    );
    expect(type(open(env, { now: NOW + 10 * 60_000 }))).toBe('stale-timestamp');
    expect(type(open(env, { secret: 'AA57EF5F0E9A4168' }))).toBe('bad-encryption');
    expect(type(open(env, { secret: '' }))).toBe('unknown-app');
    const unsigned = unsignedFailureReply(env, NOW, 'UNKNOWN_APP', 'unknown app');
    expect(unsigned.code).toBe('00');
    expect(open(unsigned).ok).toBe(false);
    // A correctly signed reply with a code the dialect does not know is malformed (fail closed).
    const odd = { ...PROVINCIAL_DIALECT, resultCodes: { success: '99', failure: '00' } };
    const weird = success(CENTRAL_METHODS.verify, odd);
    expect(type(open(weird))).toBe('malformed');
    expect(() =>
      sealReply(
        {
          ...base,
          method: CENTRAL_METHODS.verify,
          outcome: { ok: true, biz: { ...SAMPLE_BIZ[CENTRAL_METHODS.verify].reply, code_kind: '5' } },
        },
        SECRET,
      ),
    ).toThrow(expect.objectContaining({ code: 'CENTRAL_BAD_BIZ' }));
    fc.assert(
      fc.property(fc.anything(), (b) => {
        const r = open(b);
        expect(!r.ok && ENVELOPE_ERROR_TYPES.includes(r.error.type)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('maps every envelope error to an err_code', () => {
    const codes = ENVELOPE_ERROR_TYPES.map(errCodeForEnvelopeError);
    expect(new Set(codes).size).toBe(ENVELOPE_ERROR_TYPES.length);
    for (const c of codes) expect(Object.values(CENTRAL_ERR_CODES)).toContain(c);
  });
});
