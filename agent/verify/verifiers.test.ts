import { describe, expect, it } from 'vitest';
import type { CipherMachine, HsmResult, ValidityCheck } from '../../clients/hsm/types.js';
import { parseEhcCode } from '../../protocol/qr/index.js';
import type { Verdict, Verifier, VerifyContext } from '../types.js';
import { CentralVerifier } from './central-verifier.js';
import { ChainVerifier } from './chain-verifier.js';
import { ConfirmedChainVerifier } from './confirmed-chain-verifier.js';
import { HsmVerifier } from './hsm-verifier.js';
import { StaticLookupVerifier } from './static-lookup-verifier.js';

const EHC = '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33';
const code = (t: string) => {
  const r = parseEhcCode(t);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const DYN = code(`${EHC}:0:07EDF114B1651BA63D112011E74C1EC3`);
const STATIC = code(`${EHC}:1::5100A0013`);
const ctx: VerifyContext = {
  medStepCode: '010101',
  terminalCode: 'T1',
  channelCode: '02',
  deviceId: 'd',
  nowMs: 1,
};

function hsmAnswering(r: HsmResult<ValidityCheck>): CipherMachine {
  return { checkValidity: async () => r } as unknown as CipherMachine;
}

describe('HsmVerifier', () => {
  const v = (r: HsmResult<ValidityCheck>) =>
    new HsmVerifier(hsmAnswering(r), { lifetimeS: 60, skewS: 5 }).verify(DYN, ctx);
  it('maps ok / no / unavailable to VALID / INVALID / UNAVAILABLE', async () => {
    expect(await v({ status: 'ok', value: { generatedMs: 0, digits: '' } })).toEqual({
      verdict: 'VALID',
      by: 'hsm',
    });
    expect(await v({ status: 'no', reason: 'expired', message: '' })).toMatchObject({
      verdict: 'INVALID',
      reason: 'expired',
    });
    expect(await v({ status: 'no', reason: 'garbage', message: '' })).toMatchObject({
      verdict: 'INVALID',
      reason: 'forged',
    });
    expect(await v({ status: 'unavailable', reason: 'timeout', message: '' })).toMatchObject({
      verdict: 'UNAVAILABLE',
      reason: 'hsm-timeout',
    });
    expect(await v({ status: 'unavailable', reason: 'unknown-error-code', message: '' })).toMatchObject({
      verdict: 'UNAVAILABLE',
      reason: 'hsm-error',
    });
  });
  it('passes the client’s round trip on to the scan’s timing', async () => {
    const hsm = {
      checkValidity: async (_b: string, o: { onRoundTrip?: (ms: number) => void }) => {
        o.onRoundTrip?.(1.25);
        return { status: 'ok', value: { generatedMs: 0, digits: '' } };
      },
    } as unknown as CipherMachine;
    const seen: [string, number][] = [];
    const timing = { peerRoundTrip: (p: string, ms: number) => seen.push([p, ms]) };
    await new HsmVerifier(hsm, { lifetimeS: 60, skewS: 5 }).verify(DYN, { ...ctx, timing });
    expect(seen).toEqual([['hsm', 1.25]]);
  });
  it('cannot vouch for static codes', async () => {
    const r = await new HsmVerifier(hsmAnswering({ status: 'ok', value: { generatedMs: 0, digits: '' } }), {
      lifetimeS: 60,
      skewS: 5,
    }).verify(STATIC, ctx);
    expect(r).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'no-verifier' });
  });
});

describe('CentralVerifier', () => {
  const client = (r: unknown) => ({ verify: async () => r }) as never;
  it('success is VALID with masked holder data; the request carries the whole code and context', async () => {
    let sent: unknown;
    const c = {
      verify: async (biz: unknown) => {
        sent = biz;
        return {
          status: 'success',
          biz: { ehealth_card_id: EHC, code_kind: '0', name: '张三', id_no: '11010020171225006X' },
          msg: '',
          elapsedMs: 1,
        };
      },
    } as never;
    const r = await new CentralVerifier(c).verify(DYN, ctx);
    expect(r).toEqual({
      verdict: 'VALID',
      by: 'central',
      holder: { name: '张*', idNo: '110***********006X' },
    });
    expect(sent).toEqual({
      ehealth_code: DYN.raw,
      medstepcode: '010101',
      terminalcode: 'T1',
      channelcode: '02',
    });
  });
  it('code failures are INVALID, platform failures UNAVAILABLE', async () => {
    const f = (errCode: string) =>
      new CentralVerifier(client({ status: 'failure', errCode, msg: '', elapsedMs: 1 })).verify(DYN, ctx);
    expect(await f('CODE_USED')).toMatchObject({ verdict: 'INVALID', reason: 'replayed' });
    expect(await f('TERMINAL_UNKNOWN')).toMatchObject({ verdict: 'INVALID', reason: 'unknown-terminal' });
    expect(await f('CARD_CLOSED')).toMatchObject({ verdict: 'INVALID', reason: 'card-closed' });
    expect(await f('SOMETHING_NEW')).toMatchObject({ verdict: 'INVALID', reason: 'refused' });
    expect(await f('INTERNAL')).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'central-error' });
    expect(await f('HSM_UNAVAILABLE')).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'central-error' });
    expect(await f('BAD_DIGEST')).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'central-error' });
    const down = await new CentralVerifier(
      client({ status: 'unavailable', reason: 'connection', message: '', elapsedMs: 1 }),
    ).verify(DYN, ctx);
    expect(down).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'central-unreachable' });
  });
});

describe('StaticLookupVerifier', () => {
  const q = (r: unknown) => new StaticLookupVerifier({ query: async () => r } as never);
  it('a card in normal status is VALID; suspended INVALID; a reply for another card is not an answer', async () => {
    expect(
      await q({
        status: 'success',
        biz: { ehealth_card_id: EHC, card_status: '1' },
        msg: '',
        elapsedMs: 1,
      }).verify(STATIC),
    ).toEqual({
      verdict: 'VALID',
      by: 'static',
    });
    expect(
      await q({
        status: 'success',
        biz: { ehealth_card_id: EHC, card_status: '2' },
        msg: '',
        elapsedMs: 1,
      }).verify(STATIC),
    ).toMatchObject({
      verdict: 'INVALID',
      reason: 'card-closed',
    });
    expect(
      await q({ status: 'success', biz: { ehealth_card_id: 'AB'.repeat(32) }, msg: '', elapsedMs: 1 }).verify(
        STATIC,
      ),
    ).toMatchObject({
      verdict: 'UNAVAILABLE',
    });
    expect(
      await q({ status: 'failure', errCode: 'CARD_NOT_FOUND', msg: '', elapsedMs: 1 }).verify(STATIC),
    ).toMatchObject({
      verdict: 'INVALID',
      reason: 'unknown-card',
    });
    expect(await q({}).verify(DYN)).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'no-verifier' });
  });
});

describe('ChainVerifier', () => {
  const fixed = (name: Verifier['name'], v: Verdict, calls: string[]): Verifier => ({
    name,
    verify: async () => {
      calls.push(name);
      return v;
    },
  });
  const U = (
    reason: 'hsm-timeout' | 'no-verifier' | 'central-unreachable',
    by: Verifier['name'],
  ): Verdict => ({ verdict: 'UNAVAILABLE', reason, by });

  it('stops at the first definite answer', async () => {
    const calls: string[] = [];
    const chain = new ChainVerifier([
      fixed('hsm', { verdict: 'INVALID', reason: 'expired', by: 'hsm' }, calls),
      fixed('central', { verdict: 'VALID', by: 'central' }, calls),
    ]);
    expect(await chain.verify(DYN, ctx)).toMatchObject({ verdict: 'INVALID' });
    expect(calls).toEqual(['hsm']);
  });

  it('falls through UNAVAILABLE to the next path', async () => {
    const calls: string[] = [];
    const chain = new ChainVerifier([
      fixed('hsm', U('hsm-timeout', 'hsm'), calls),
      fixed('central', { verdict: 'VALID', by: 'central' }, calls),
    ]);
    expect(await chain.verify(DYN, ctx)).toEqual({ verdict: 'VALID', by: 'central' });
  });

  it('all unavailable: reports the first real failure, not "no-verifier"', async () => {
    const calls: string[] = [];
    const chain = new ChainVerifier([
      fixed('hsm', U('no-verifier', 'hsm'), calls),
      fixed('central', U('central-unreachable', 'central'), calls),
    ]);
    expect(await chain.verify(STATIC, ctx)).toMatchObject({
      verdict: 'UNAVAILABLE',
      reason: 'central-unreachable',
    });
    const throwing: Verifier = {
      name: 'hsm',
      verify: async () => {
        throw new Error('x');
      },
    };
    expect(await new ChainVerifier([throwing]).verify(DYN, ctx)).toMatchObject({
      verdict: 'UNAVAILABLE',
      reason: 'internal',
    });
  });
});

describe('ConfirmedChainVerifier', () => {
  const v = (verdict: Verdict): Verifier => ({ name: verdict.by, verify: async () => verdict });
  const VALID_HSM: Verdict = { verdict: 'VALID', by: 'hsm' };
  const run = (hsm: Verdict, central: Verdict, c = DYN) =>
    new ConfirmedChainVerifier(v(hsm), v(central)).verify(c, ctx);

  it('a local VALID is confirmed at the central service', async () => {
    expect(await run(VALID_HSM, { verdict: 'VALID', by: 'central' })).toEqual({
      verdict: 'VALID',
      by: 'chain',
    });
  });
  it('the central service’s INVALID (used at another terminal) overrides the local VALID', async () => {
    expect(await run(VALID_HSM, { verdict: 'INVALID', reason: 'replayed', by: 'central' })).toMatchObject({
      verdict: 'INVALID',
      reason: 'replayed',
    });
  });
  it('central unavailable: the local VALID stands, marked degraded', async () => {
    const degraded: string[] = [];
    const r = await new ConfirmedChainVerifier(
      v(VALID_HSM),
      v({ verdict: 'UNAVAILABLE', reason: 'central-timeout', by: 'central' }),
      (code) => degraded.push(code.ehcId),
    ).verify(DYN, ctx);
    expect(r).toMatchObject({
      verdict: 'VALID',
      by: 'hsm',
      degraded: expect.stringContaining('central-timeout'),
    });
    expect(degraded).toEqual([DYN.ehcId]);
  });
  it('a local INVALID never asks the central service; an unavailable machine lets it decide', async () => {
    let asked = 0;
    const central: Verifier = {
      name: 'central',
      verify: async () => {
        asked++;
        return { verdict: 'VALID', by: 'central' };
      },
    };
    expect(
      await new ConfirmedChainVerifier(
        v({ verdict: 'INVALID', reason: 'expired', by: 'hsm' }),
        central,
      ).verify(DYN, ctx),
    ).toMatchObject({ verdict: 'INVALID', reason: 'expired' });
    expect(asked).toBe(0);
    expect(
      await new ConfirmedChainVerifier(
        v({ verdict: 'UNAVAILABLE', reason: 'hsm-timeout', by: 'hsm' }),
        central,
      ).verify(DYN, ctx),
    ).toEqual({ verdict: 'VALID', by: 'central' });
  });
  it('both unavailable: refused, with the cipher machine’s reason', async () => {
    expect(
      await run(
        { verdict: 'UNAVAILABLE', reason: 'hsm-unreachable', by: 'hsm' },
        { verdict: 'UNAVAILABLE', reason: 'central-unreachable', by: 'central' },
      ),
    ).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'hsm-unreachable' });
    expect(
      await run(
        { verdict: 'UNAVAILABLE', reason: 'no-verifier', by: 'hsm' },
        { verdict: 'UNAVAILABLE', reason: 'central-unreachable', by: 'central' },
        STATIC,
      ),
    ).toMatchObject({ verdict: 'UNAVAILABLE', reason: 'central-unreachable' });
  });
});

describe('HsmVerifier trusts the cipher machine’s clock', () => {
  it('never sends the terminal’s clock, only lifetime and skew', async () => {
    let sent: unknown;
    const hsm = {
      checkValidity: async (_b: string, opts: unknown) => {
        sent = opts;
        return { status: 'ok', value: { generatedMs: 0, digits: '' } };
      },
    } as unknown as CipherMachine;
    await new HsmVerifier(hsm, { lifetimeS: 60, skewS: 5 }).verify(DYN, { ...ctx, nowMs: 0 });
    expect(sent).toEqual({ lifetimeS: 60, skewS: 5 });
  });
});
