import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CentralClient } from '../../clients/central/index.js';
import { APP, type Harness, nextNo, person, startHarness, TERMINAL } from './harness.js';

/** The agent's own central-service client (clients/central) against this server. */
describe('clients/central against the reference service', () => {
  let h: Harness;
  let client: CentralClient;
  beforeEach(async () => {
    h = await startHarness();
    client = new CentralClient({
      url: h.service.url,
      appId: APP.appId,
      appSecret: APP.appSecret,
      termId: TERMINAL,
      clock: h.clock.now,
      timeoutMs: 10_000,
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('registers, generates, verifies once, and reads the refusal of a replay', async () => {
    const reg = await client.call('ehc.ehealthcard.register', {
      register_no: nextNo('R'),
      register_time: '20240301100000',
      ...person(1),
    });
    expect(reg.status).toBe('success');
    if (reg.status !== 'success') return;
    const gen = await client.call('ehc.ehealthcode.generate', {
      ehealth_card_id: reg.biz.ehealth_card_id,
      ewmbs: '0',
      generate_no: nextNo('G'),
      generate_time: '20240301100000',
    });
    expect(gen.status).toBe('success');
    if (gen.status !== 'success') return;
    const biz = {
      ehealth_code: gen.biz.ehealth_code,
      medstepcode: '010101',
      terminalcode: TERMINAL,
      channelcode: '02',
    };
    const first = await client.call('ehc.ehealthcode.verify', biz);
    expect(first).toMatchObject({
      status: 'success',
      biz: { ehealth_card_id: reg.biz.ehealth_card_id, surplus_num: 0 },
    });
    h.clock.advance(1);
    const again = await client.call('ehc.ehealthcode.verify', biz);
    expect(again).toMatchObject({ status: 'failure', errCode: 'CODE_USED' });
  });

  it('sees a cipher-machine outage as a signed failure, and an unknown app as unavailable', async () => {
    const reg = await client.call('ehc.ehealthcard.register', {
      register_no: nextNo('R'),
      register_time: '20240301100000',
      ...person(2),
    });
    expect(reg.status).toBe('success');
    await h.hsmServer.close();
    h.clock.advance(1);
    const down = await client.call('ehc.ehealthcard.register', {
      register_no: nextNo('R'),
      register_time: '20240301100000',
      ...person(3),
    });
    expect(down).toMatchObject({ status: 'failure', errCode: 'HSM_UNAVAILABLE' });

    const stranger = new CentralClient({
      url: h.service.url,
      appId: 'NOT-REGISTERED',
      appSecret: APP.appSecret,
      termId: TERMINAL,
      clock: h.clock.now,
    });
    const r = await stranger.call('ehc.ehealthcode.query', { ehealth_card_id: 'AB' });
    expect(r.status).toBe('unavailable');
  });
});
