import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../protocol/hsm/codec.js';
import { USE_SERVER_DEFAULT } from '../../protocol/hsm/commands.js';
import { formatEndpoint, parseEndpoint } from './endpoint.js';
import { resultOfErrorCode } from './results.js';
import { validityCheckFrame, validityCheckReply } from './validity-call.js';

describe('endpoints', () => {
  it('parses host:port and [v6]:port, refusing the rest', () => {
    expect(parseEndpoint('127.0.0.1:1818')).toEqual({ host: '127.0.0.1', port: 1818 });
    expect(parseEndpoint(' hsm.local:9 ')).toEqual({ host: 'hsm.local', port: 9 });
    expect(parseEndpoint('[::1]:1818')).toEqual({ host: '::1', port: 1818 });
    expect(formatEndpoint({ host: '::1', port: 1818 })).toBe('[::1]:1818');
    for (const bad of ['127.0.0.1', ':80', 'h:0', 'h:70000', 'a b:1', '::1:80']) {
      expect(() => parseEndpoint(bad)).toThrow(expect.objectContaining({ code: 'HSM_CLIENT_BAD_ENDPOINT' }));
    }
  });
});

describe('error codes → results', () => {
  it('only SDR_VERIFYERR to a verify and SDR_ENCDATAERR to a decrypt are definite no', () => {
    expect(resultOfErrorCode('SC', '14', 'e')).toMatchObject({ status: 'no', reason: 'bad-signature' });
    expect(resultOfErrorCode('EC', '22', 'e')).toMatchObject({ status: 'no', reason: 'bad-ciphertext' });
    expect(resultOfErrorCode('VC', '14', 'e')).toMatchObject({ status: 'unavailable', reason: 'hsm-error' });
    expect(resultOfErrorCode('EA', '22', 'e')).toMatchObject({
      status: 'unavailable',
      sdr: 'SDR_ENCDATAERR',
    });
    expect(resultOfErrorCode('KA', '29', 'e')).toMatchObject({ status: 'unavailable', sdr: 'SDR_INARGERR' });
    expect(resultOfErrorCode('NC', '99', 'e')).toMatchObject({
      status: 'unavailable',
      reason: 'unknown-error-code',
    });
  });
});

describe('validity-check frames', () => {
  const block = '0123456789ABCDEF0123456789abcdef';
  it('writes the same bytes on the fast and the generic path', () => {
    const fast = validityCheckFrame(block, { nowMs: 5, lifetimeS: 60 });
    const generic = encodeRequest(0, 'VC', {
      keyIndex: 0,
      block: Buffer.from(block, 'hex'),
      nowMs: 5,
      lifetimeS: 60,
      skewS: USE_SERVER_DEFAULT,
      timeZone: '',
    });
    expect(fast).toEqual({ ok: true, value: generic });
    const zoned = validityCheckFrame(block, { timeZone: 'UTC' });
    expect(zoned.ok && zoned.value.subarray(-5)).toEqual(Buffer.from([0, 3, 0x55, 0x54, 0x43]));
  });

  it('reports malformed arguments', () => {
    for (const [b, o] of [
      ['AB', {}],
      [block, { keyIndex: -1 }],
      [block, { nowMs: 0 }],
      [block, { lifetimeS: USE_SERVER_DEFAULT }],
      [block, { skewS: 1.5 }],
      [block, { timeZone: '' }],
    ] as const) {
      expect(validityCheckFrame(b, o).ok).toBe(false);
    }
  });

  it('reads garbage verdicts and refuses unknown ones', () => {
    const reply = (verdict: number, digits = '') => {
      const f = encodeRequest(0, 'VC', {
        keyIndex: 0,
        block: Buffer.alloc(16),
        nowMs: 0,
        lifetimeS: 0,
        skewS: 0,
        timeZone: '',
      });
      // Build a VD reply by hand: id, 'VD', '00', verdict, generatedMs, digits.
      const body = Buffer.concat([
        f.subarray(2, 6),
        Buffer.from('VD00'),
        Buffer.from([0, 1, verdict, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, digits.length]),
        Buffer.from(digits),
      ]);
      return validityCheckReply(body, 'e');
    };
    expect(reply(4)).toMatchObject({ status: 'no', reason: 'garbage', detail: 'bad-padding' });
    expect(reply(0, '2025010112000X')).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
    expect(reply(9)).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
    expect(reply(0, '20250101120000')).toEqual({
      status: 'ok',
      value: { generatedMs: 0, digits: '20250101120000' },
    });
  });
});
