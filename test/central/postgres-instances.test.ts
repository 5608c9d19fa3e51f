// Issue 14 §3/§7: several central instances on one PostgreSQL database are one service. Two
// real services (HTTP, soft cipher machine) with their own pools on one throwaway cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VERSION, sealRequest } from '../../protocol/central/index.js';
import { PostgresCentralStore } from '../../storage/central/postgres-store.js';
import { findPostgres, startPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import {
  type Answer,
  APP,
  call,
  dynamicCode,
  type Harness,
  nextNo,
  person,
  registerCard,
  send,
  startHarness,
  TERMINAL,
  verifyBiz,
} from './harness.js';

const bin = findPostgres();

describe.skipIf(bin === undefined)('two central instances on one PostgreSQL database', () => {
  let pgServer: ThrowawayPostgres;
  let stores: PostgresCentralStore[] = [];
  let one: Harness;
  let two: Harness;
  /** Alternates between the two instances. */
  const at = (i: number): Harness => (i % 2 === 0 ? one : two);

  beforeAll(async () => {
    if (bin === undefined) return;
    pgServer = await startPostgres(bin);
    stores = await Promise.all(
      [0, 1].map(() => PostgresCentralStore.open({ url: pgServer.url, poolSize: 10 })),
    );
    one = await startHarness({ store: stores[0]! });
    two = await startHarness({ store: stores[1]!, peerOf: one });
  }, 60_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
    for (const s of stores) await s.close();
    pgServer?.stop();
  });

  it('200 concurrent verifies of one code spread over both instances: exactly 1 accepted', async () => {
    const ehcId = await registerCard(one, 1);
    const code = await dynamicCode(two, ehcId);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        // A distinct envelope per request (the replay cache would refuse identical ones).
        return call(at(i), 'ehc.ehealthcode.verify', verifyBiz(code), { timestamp: one.clock.now() + i });
      }),
    );
    const ok = answers.filter((a) => a.status === 'success');
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ biz: { surplus_num: 0, code_kind: '0' } });
    const refused = answers.filter(
      (a): a is Extract<Answer, { status: 'failure' }> => a.status === 'failure',
    );
    expect(refused).toHaveLength(199);
    expect(new Set(refused.map((a) => a.errCode))).toEqual(new Set(['CODE_USED']));
  });

  it('one generate_no sent 50 times over both instances: one code, and it verifies once', async () => {
    const ehcId = await registerCard(two, 2);
    const generateNo = nextNo('G');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(
          at(i),
          'ehc.ehealthcode.generate',
          { ehealth_card_id: ehcId, ewmbs: '0', generate_no: generateNo, generate_time: '20240301100000' },
          { timestamp: one.clock.now() + i },
        ),
      ),
    );
    expect(answers.every((a) => a.status === 'success')).toBe(true);
    const codes = new Set(answers.map((a) => (a.status === 'success' ? a.biz.ehealth_code : '')));
    expect(codes.size).toBe(1);
    const [code] = [...codes] as string[];
    expect(
      (await call(one, 'ehc.ehealthcode.verify', verifyBiz(code!), { timestamp: one.clock.now() + 100 }))
        .status,
    ).toBe('success');
    expect(
      await call(two, 'ehc.ehealthcode.verify', verifyBiz(code!), { timestamp: one.clock.now() + 101 }),
    ).toMatchObject({
      status: 'failure',
      errCode: 'CODE_USED',
    });
  });

  it('one register_no sent 40 times over both instances: one card; one revoke_no: one close', async () => {
    const registerNo = nextNo('R');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(
          at(i),
          'ehc.ehealthcard.register',
          {
            register_no: registerNo,
            register_time: '20240301100000',
            ...person(3),
            cellphone: '13812345678',
          },
          { timestamp: one.clock.now() + i },
        ),
      ),
    );
    const ids = new Set(answers.map((a) => (a.status === 'success' ? a.biz.ehealth_card_id : a.errCode)));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[0-9A-F]{64}$/);
    const ehcId = [...ids][0] as string;
    const revokeNo = nextNo('C');
    const closes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(
          at(i),
          'ehc.ehealthcard.close',
          { ehealth_card_id: ehcId, revoke_no: revokeNo, revoke_time: '20240301100000' },
          { timestamp: one.clock.now() + 50 + i },
        ),
      ),
    );
    expect(closes.every((a) => a.status === 'success')).toBe(true);
    expect((await stores[0]!.counts()).closedCards).toBe(1);
  });

  it('a request replayed to the other instance is refused', async () => {
    const ehcId = await registerCard(one, 4);
    const env = sealRequest(
      {
        appId: APP.appId,
        termId: TERMINAL,
        method: 'ehc.ehealthcode.generate',
        version: DEFAULT_VERSION,
        timestamp: one.clock.now() + 500,
        biz: {
          ehealth_card_id: ehcId,
          ewmbs: '1',
          generate_no: nextNo('G'),
          generate_time: '20240301100000',
        },
      },
      APP.appSecret,
    );
    expect((await send(one, env, 'ehc.ehealthcode.generate')).status).toBe('success');
    expect(await send(two, env, 'ehc.ehealthcode.generate')).toMatchObject({
      status: 'failure',
      errCode: 'REQUEST_REPLAYED',
    });
  });

  it('says where its database stands on /healthz and /metrics', async () => {
    const health = (await (await fetch(`${two.service.origin}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'ok',
      checks: { db: { ok: true, kind: 'postgres', state: 'connected' } },
    });
    const metrics = await (await fetch(`${one.service.origin}/metrics`)).text();
    expect(metrics).toContain('ehc_central_db_up{kind="postgres",state="connected"} 1');
  });
});
