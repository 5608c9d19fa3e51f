import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CipherMachine, HsmResult } from '../../../clients/hsm/types.js';
import { SqliteCentralStore } from '../../../storage/central/sqlite-store.js';
import { parseCentralConfig } from '../config.js';
import { isCentralError } from '../errors.js';
import { register } from './register.js';
import type { MethodDeps } from './types.js';
import { verify } from './verify.js';

const down: HsmResult<never> = { status: 'unavailable', reason: 'timeout', message: 'timeout' };

/** A cipher machine that answers only what a test sets; everything else is unavailable. */
function fakeHsm(over: Partial<CipherMachine>): CipherMachine {
  const none = async () => down;
  return {
    info: none,
    random: none,
    sm3: none,
    sm2Sign: none,
    sm2Verify: none,
    sm4Encrypt: none,
    sm4Decrypt: none,
    deriveEhcId: none,
    encryptValidity: none,
    checkValidity: none,
    status: () => ({
      active: 'fake:0',
      available: true,
      endpoints: [],
      counters: { timeouts: 0, failovers: 0, failbacks: 0, lateReplies: 0 },
    }),
    onStatusChange: () => () => {},
    close: async () => {},
    ...over,
  };
}

const ctx = { appId: 'APP', nowMs: 1_700_000_000_000, log: pino({ level: 'silent' }) };
const ID = 'A'.repeat(64);
const regBiz = {
  register_no: 'R1',
  register_time: '20240301100000',
  id_type: '01',
  id_no: '11010119900101123X',
  name: '张三',
};

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isCentralError(e)) return e.code;
    throw e;
  }
  return 'no refusal';
}

function deps(hsm: CipherMachine): MethodDeps {
  return {
    store: SqliteCentralStore.open(':memory:'),
    hsm,
    config: parseCentralConfig({ terminals: [{ terminalCode: 'T1' }] }),
  };
}

describe('method handlers with a fake cipher machine', () => {
  it('register refuses, creating nothing, when the machine says no to the derivation', async () => {
    const d = deps(
      fakeHsm({ deriveEhcId: async () => ({ status: 'no', reason: 'bad-input', message: 'x' }) }),
    );
    expect(await refusal(register(d, regBiz, ctx))).toBe('CENTRAL_HSM_UNAVAILABLE');
    expect((await d.store.counts()).cards).toBe(0);
  });

  it('a static code is refused when the machine derives another EHC-ID for the stored person', async () => {
    let derived = ID;
    const d = deps(fakeHsm({ deriveEhcId: async () => ({ status: 'ok', value: derived }) }));
    await d.store.upsertTerminal({ terminalCode: 'T1', name: 'T1', orgCode: '', enabled: true });
    await register(d, regBiz, ctx);
    const biz = { ehealth_code: `${ID}:1`, medstepcode: '010101', terminalcode: 'T1', channelcode: '01' };
    expect(await verify(d, biz, ctx)).toMatchObject({ ehealth_card_id: ID, code_kind: '1', name: '张*' });
    derived = 'B'.repeat(64); // e.g. the row was altered, or another security key is loaded
    expect(await refusal(verify(d, biz, ctx))).toBe('CENTRAL_CODE_FORGED');
  });

  it('a dynamic code the machine cannot check is refused and not consumed', async () => {
    let answer: Awaited<ReturnType<CipherMachine['checkValidity']>> = down;
    const d = deps(
      fakeHsm({
        deriveEhcId: async () => ({ status: 'ok', value: ID }),
        checkValidity: async () => answer,
      }),
    );
    await d.store.upsertTerminal({ terminalCode: 'T1', name: 'T1', orgCode: '', enabled: true });
    await register(d, regBiz, ctx);
    const biz = {
      ehealth_code: `${ID}:0:${'C'.repeat(32)}`,
      medstepcode: '010101',
      terminalcode: 'T1',
      channelcode: '01',
    };
    expect(await refusal(verify(d, biz, ctx))).toBe('CENTRAL_HSM_UNAVAILABLE');
    answer = { status: 'ok', value: { generatedMs: ctx.nowMs, digits: '20231115061320' } };
    expect(await verify(d, biz, ctx)).toMatchObject({ surplus_num: 0 });
    expect(await refusal(verify(d, biz, ctx))).toBe('CENTRAL_CODE_REPLAYED');
  });
});
