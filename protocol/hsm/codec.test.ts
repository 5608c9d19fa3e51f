import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeReply, decodeRequest, encodeErrorReply, encodeReply, encodeRequest, peekId } from './codec.js';
import { COMMANDS, type HsmCommand, replyCommand } from './commands.js';
import { codeOfSdr, SDR_BASE, SDR_NAMES, sdrNameOfCode, sdrOfCode } from './sdr.js';
import { replyArb, requestArb } from './test-arbitraries.js';

const body = (frame: Buffer): Buffer => frame.subarray(2);
// biome-ignore lint/suspicious/noExplicitAny: the generic case table is typed per command at run time
const anyFields = (f: Record<string, unknown>): any => f;

describe('cipher-machine codec', () => {
  it('lays out a request as length, header, command, length-prefixed fields', () => {
    const f = encodeRequest(0x01020304, 'RA', { length: 16 });
    expect(f.toString('hex')).toBe(`000a01020304${Buffer.from('RA').toString('hex')}00020010`);
  });

  it('replies with the command’s last character + 1 and a 2-digit code', () => {
    expect(replyCommand('NC')).toBe('ND');
    expect(replyCommand('VC')).toBe('VD');
    const e = encodeErrorReply(7, 'KA', '08');
    expect(body(e).toString('latin1', 4)).toBe('KB08');
    const r = decodeReply(body(e), 'KA');
    expect(r.ok && r.value).toEqual({ id: 7, success: false, code: '08' });
  });

  it('round-trips every command’s requests and replies', () => {
    fc.assert(
      fc.property(requestArb, ({ id, cmd, fields }) => {
        const r = decodeRequest(body(encodeRequest(id, cmd, anyFields(fields))));
        expect(r).toEqual({ ok: true, value: { id, cmd, fields } });
      }),
    );
    fc.assert(
      fc.property(replyArb, ({ id, cmd, fields }) => {
        const r = decodeReply(body(encodeReply(id, cmd, anyFields(fields))), cmd);
        expect(r).toEqual({ ok: true, value: { id, success: true, code: '00', fields } });
      }),
    );
  });

  it('reports malformed requests as values, keeping the id and command when present', () => {
    expect(decodeRequest(Buffer.from([1, 2, 3]))).toMatchObject({ ok: false, error: { type: 'too-short' } });
    const unknown = Buffer.from('\x00\x00\x00\x09QQ', 'latin1');
    expect(decodeRequest(unknown)).toMatchObject({
      ok: false,
      error: { type: 'unknown-command', id: 9, command: 'QQ' },
    });
    const ra = body(encodeRequest(5, 'RA', { length: 1 }));
    expect(decodeRequest(ra.subarray(0, ra.length - 1))).toMatchObject({
      ok: false,
      error: { type: 'bad-field', id: 5, command: 'RA' },
    });
    expect(decodeRequest(Buffer.concat([ra, Buffer.from([0])]))).toMatchObject({
      ok: false,
      error: { type: 'trailing-bytes' },
    });
    // A u16 field of the wrong size.
    const wrong = Buffer.concat([ra.subarray(0, 6), Buffer.from([0, 1, 5])]);
    expect(decodeRequest(wrong)).toMatchObject({ ok: false, error: { type: 'bad-field' } });
  });

  it('rejects replies that do not answer the request', () => {
    const nd = body(encodeReply(1, 'RA', { bytes: Buffer.alloc(4, 1) }));
    expect(decodeReply(nd, 'NC')).toMatchObject({ ok: false, error: { type: 'unexpected-reply', id: 1 } });
    const badCode = Buffer.from(nd);
    badCode.write('0x', 6, 'latin1');
    expect(decodeReply(badCode, 'RA')).toMatchObject({ ok: false, error: { type: 'bad-error-code' } });
    const errWithData = Buffer.concat([body(encodeErrorReply(1, 'RA', '01')), Buffer.from([0])]);
    expect(decodeReply(errWithData, 'RA')).toMatchObject({ ok: false, error: { type: 'trailing-bytes' } });
    expect(decodeReply(Buffer.alloc(5), 'RA')).toMatchObject({
      ok: false,
      error: { type: 'too-short', id: 0 },
    });
    expect(peekId(Buffer.alloc(3))).toBeUndefined();
  });

  it('refuses to encode values outside the schema', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => encodeRequest(1, 'RA', { length: 70_000 }))).toBe('HSM_BAD_FIELD');
    expect(code(() => encodeRequest(-1, 'NC', {}))).toBe('HSM_BAD_FIELD');
    expect(code(() => encodeRequest(1, 'VA', { keyIndex: 0, instantMs: 1.5, timeZone: '' }))).toBe(
      'HSM_BAD_FIELD',
    );
    expect(
      code(() =>
        encodeRequest(1, 'KA', { keyIndex: 0, mainIndex: Buffer.alloc(12), idType: '01', idNo: 'x' }),
      ),
    ).toBe('HSM_BAD_FIELD');
    expect(
      code(() =>
        encodeRequest(1, 'HA', {
          publicKey: Buffer.alloc(0),
          userId: '',
          data: Buffer.alloc(70_000),
        }),
      ),
    ).toBe('HSM_BAD_FIELD');
    expect(code(() => encodeErrorReply(1, 'RA', '00'))).toBe('HSM_BAD_FIELD');
  });
});

describe('GM/T 0018 error codes', () => {
  it('maps SDR_* values to 2-digit codes and back', () => {
    expect(codeOfSdr(0)).toBe('00');
    expect(codeOfSdr(SDR_BASE + 0x08)).toBe('08');
    expect(codeOfSdr(SDR_BASE + 0x0e)).toBe('14');
    expect(codeOfSdr(SDR_BASE + 0x1d)).toBe('29');
    expect(codeOfSdr(SDR_BASE)).toBeUndefined();
    expect(codeOfSdr(SDR_BASE + 0x2a)).toBeUndefined();
    expect(sdrNameOfCode('14')).toBe('SDR_VERIFYERR');
    expect(sdrNameOfCode('08')).toBe('SDR_KEYNOTEXIST');
    expect(sdrNameOfCode('42')).toBeUndefined();
    expect(sdrNameOfCode('x1')).toBeUndefined();
    for (let n = 0; n < SDR_NAMES.length; n++) {
      const code = n < 10 ? `0${n}` : String(n);
      expect(codeOfSdr(sdrOfCode(code)!)).toBe(code);
    }
  });

  it('has a distinct reply command for every request command', () => {
    const cmds = Object.keys(COMMANDS) as HsmCommand[];
    const replies = new Set(cmds.map(replyCommand));
    expect(replies.size).toBe(cmds.length);
    for (const c of cmds) expect(cmds).not.toContain(replyCommand(c));
  });
});
