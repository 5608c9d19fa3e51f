import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealRequest } from '../../protocol/central/index.js';
import { encryptValidity } from '../../protocol/crypto/validity.js';
import {
  APP,
  call,
  dynamicCode,
  type Harness,
  MONITOR_APP,
  nextNo,
  openAny,
  postJson,
  registerCard,
  sealAny,
  startHarness,
  T0,
  TERMINAL,
  testConfig,
  verifyBiz,
} from './harness.js';

function verifyEnvelope(h: Harness, code: string, timestamp = h.clock.now()) {
  return sealRequest(
    {
      appId: APP.appId,
      termId: TERMINAL,
      method: 'ehc.ehealthcode.verify',
      version: '1.0.0',
      timestamp,
      biz: verifyBiz(code),
    },
    APP.appSecret,
  );
}

describe('central service refusals: the envelope', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: testConfig({ requestWindowS: 10 }) });
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a bad digest, an unknown app and a tampered biz_content with unsigned replies', async () => {
    const ehcId = await registerCard(h, 1);
    const env = verifyEnvelope(h, `${ehcId}:1`);
    const flip = (s: string) => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
    const cases: [unknown, string][] = [
      [{ ...env, digest: flip(env.digest) }, 'BAD_DIGEST'],
      [{ ...env, app_id: 'NO-SUCH-APP' }, 'UNKNOWN_APP'],
      [{ ...env, biz_content: `${env.biz_content.slice(0, -4)}AAA=` }, 'BAD_ENCRYPTION'],
      [{ ...env, digest_type: 'MD5' }, 'BAD_REQUEST'],
      [{ ...env, timestamp: 'yesterday' }, 'BAD_REQUEST'],
    ];
    for (const [body, errCode] of cases) {
      const { status, json } = await postJson(h.service.url, body);
      expect(status).toBe(200);
      expect(json).toMatchObject({ code: '00', err_code: errCode, digest: '', biz_content: '' });
    }
    const notJson = await postJson(h.service.url, '{"app_id":');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ code: '00', err_code: 'BAD_REQUEST' });
  });

  it('refuses timestamps outside the configured window, past and future, and accepts inside it', async () => {
    const ehcId = await registerCard(h, 2);
    const now = h.clock.now();
    const at = async (ts: number) =>
      openAny((await postJson(h.service.url, verifyEnvelope(h, `${ehcId}:1`, ts))).json);
    expect(await at(now - 10_001)).toMatchObject({ code: '00', errCode: 'STALE_TIMESTAMP' });
    expect(await at(now + 10_001)).toMatchObject({ code: '00', errCode: 'STALE_TIMESTAMP' });
    expect(await at(now - 9_999)).toMatchObject({ code: '10' });
    expect(await at(now + 9_999)).toMatchObject({ code: '10' });
  });

  it('refuses the same request sent twice within the window', async () => {
    const ehcId = await registerCard(h, 3);
    const env = verifyEnvelope(h, `${ehcId}:1`);
    expect(openAny((await postJson(h.service.url, env)).json)).toMatchObject({ code: '10' });
    h.clock.advance(5_000);
    expect(openAny((await postJson(h.service.url, env)).json)).toMatchObject({
      code: '00',
      errCode: 'REQUEST_REPLAYED',
    });
    // Once the window has passed the timestamp check refuses it instead.
    h.clock.advance(6_000);
    expect(openAny((await postJson(h.service.url, env)).json)).toMatchObject({ errCode: 'STALE_TIMESTAMP' });
  });

  it('refuses unknown methods, methods the app may not call, and bad fields', async () => {
    const now = h.clock.now();
    const unknown = await postJson(h.service.url, sealAny('ehc.no.such.method', {}, now));
    expect(openAny(unknown.json)).toMatchObject({ code: '00', errCode: 'UNKNOWN_METHOD' });
    const denied = await call(h, 'ehc.ehealthcode.query', { ehealth_card_id: 'AB' }, { app: MONITOR_APP });
    expect(denied).toMatchObject({ status: 'failure', errCode: 'METHOD_NOT_ALLOWED' });
    const badField = await postJson(
      h.service.url,
      sealAny(
        'ehc.ehealthcode.verify',
        { ehealth_code: 'X', medstepcode: '1', terminalcode: 'T', channelcode: '01' },
        now,
      ),
    );
    const r = openAny(badField.json);
    expect(r).toMatchObject({ code: '00', errCode: 'BAD_REQUEST' });
    expect(JSON.stringify(badField.json)).toContain('medstepcode');
  });
});

describe('central service refusals: codes and cards', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses unknown and disabled terminals', async () => {
    const code = await dynamicCode(h, await registerCard(h, 10));
    for (const t of ['TERM-NOPE', 'TERM-OFF']) {
      h.clock.advance(1);
      expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code, t))).toMatchObject({
        status: 'failure',
        errCode: 'TERMINAL_UNKNOWN',
      });
    }
    // The refusals did not use the code up.
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({ status: 'success' });
  });

  it('refuses an expired code and accepts it up to lifetime + skew', async () => {
    const ehcId = await registerCard(h, 11);
    const early = await dynamicCode(h, ehcId);
    h.clock.advance(1000);
    const late = await dynamicCode(h, ehcId);
    h.clock.advance(64_000); // early is 65 s old (lifetime 60 + skew 5): the last accepted second
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(early))).toMatchObject({ status: 'success' });
    h.clock.advance(1_001); // late is now 65.001 s old
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(late))).toMatchObject({
      status: 'failure',
      errCode: 'CODE_EXPIRED',
    });
  });

  it('refuses a code generated later than now + skew', async () => {
    const ehcId = await registerCard(h, 12);
    h.clock.set(T0 + 6_000);
    const code = await dynamicCode(h, ehcId);
    h.clock.set(T0);
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({
      status: 'failure',
      errCode: 'CODE_NOT_YET_VALID',
    });
  });

  it('refuses forged validity blocks: random bytes and a block under another protect key', async () => {
    const ehcId = await registerCard(h, 13);
    const foreign = encryptValidity(randomBytes(16), h.clock.now()).toString('hex').toUpperCase();
    const random = randomBytes(16).toString('hex').toUpperCase();
    for (const block of [foreign, random]) {
      h.clock.advance(1);
      expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(`${ehcId}:0:${block}`))).toMatchObject({
        status: 'failure',
        errCode: 'CODE_FORGED',
      });
    }
  });

  it('refuses a replayed dynamic code, malformed text and unknown cards', async () => {
    const ehcId = await registerCard(h, 14);
    const code = await dynamicCode(h, ehcId);
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({ status: 'success' });
    h.clock.advance(1);
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(code))).toMatchObject({
      status: 'failure',
      errCode: 'CODE_USED',
    });
    h.clock.advance(1);
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz('not a code'))).toMatchObject({
      errCode: 'CODE_MALFORMED',
    });
    const stranger = `${randomBytes(32).toString('hex').toUpperCase()}:${code.split(':')[1]}:${code.split(':')[2]}`;
    expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(stranger))).toMatchObject({
      errCode: 'CARD_NOT_FOUND',
    });
  });

  it('never verifies a closed card, nor generates codes for it', async () => {
    const ehcId = await registerCard(h, 15);
    const code = await dynamicCode(h, ehcId);
    const closed = await call(h, 'ehc.ehealthcard.close', {
      ehealth_card_id: ehcId,
      revoke_no: nextNo('C'),
      revoke_time: '20240301100000',
    });
    expect(closed.status).toBe('success');
    for (const c of [code, `${ehcId}:1`]) {
      h.clock.advance(1);
      expect(await call(h, 'ehc.ehealthcode.verify', verifyBiz(c))).toMatchObject({ errCode: 'CARD_CLOSED' });
    }
    const gen = await call(h, 'ehc.ehealthcode.generate', {
      ehealth_card_id: ehcId,
      ewmbs: '0',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    expect(gen).toMatchObject({ status: 'failure', errCode: 'CARD_CLOSED' });
  });
});
