// Issue 14 §5: two central instances under verify load on a PostgreSQL primary with a
// synchronous hot standby; the primary's postmaster is killed (-9), the standby promoted, and
// the instances find it by themselves. Nothing acknowledged is lost, no code is accepted twice,
// every request gets an answer.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEhcCode } from '../../protocol/qr/index.js';
import { PostgresCentralStore } from '../../storage/central/postgres-store.js';
import { findPostgres, type PrimaryStandby, startPrimaryStandby } from '../support/postgres.js';
import { call, dynamicCode, type Harness, registerCard, startHarness, verifyBiz } from './harness.js';

const bin = findPostgres();

describe.skipIf(bin === undefined)('central failover to the promoted standby', () => {
  let pair: PrimaryStandby;
  let stores: PostgresCentralStore[] = [];
  let one: Harness;
  let two: Harness;

  beforeAll(async () => {
    pair = await startPrimaryStandby(bin!);
    const url = `postgres://${pair.user}@${pair.hosts.map((h) => `${h.host}:${h.port}`).join(',')}/${pair.database}?target_session_attrs=read-write`;
    stores = await Promise.all(
      [0, 1].map(() =>
        PostgresCentralStore.open({ url, poolSize: 8, failoverWaitMs: 1000, statementTimeoutMs: 3000 }),
      ),
    );
    one = await startHarness({ store: stores[0]!, hsmTimeoutMs: 5000 });
    two = await startHarness({ store: stores[1]!, peerOf: one, hsmTimeoutMs: 5000 });
  }, 90_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
    for (const s of stores) await s.close();
    pair?.stop();
  });

  it('kill -9 of the primary under load: 0 acknowledged claims lost, 0 codes accepted twice, no hangs', async () => {
    // 600 dynamic codes of 30 cards (20 each: one card gets at most 31 per second).
    const codes: string[] = [];
    for (let c = 0; c < 30; c++) {
      const ehcId = await registerCard(c % 2 === 0 ? one : two, 100 + c);
      for (let k = 0; k < 20; k++) codes.push(await dynamicCode(k % 2 === 0 ? one : two, ehcId));
    }
    // Each code is presented twice, once to each instance; 8 workers; the primary dies a third
    // of the way in and the standby is promoted 2 s later. A request waits up to 1 s for a
    // primary, so the gap is answered unavailable (fail closed), then service resumes.
    const jobs = codes.flatMap((code, i) => [
      { code, at: i % 2 === 0 ? one : two },
      { code, at: i % 2 === 0 ? two : one },
    ]);
    const answers: { code: string; outcome: string; doneMs: number }[] = [];
    let next = 0;
    let seq = 0;
    let killedAt = 0;
    let promoteMs = 0;
    const failover = (async () => {
      while (answers.length < jobs.length / 3) await new Promise((r) => setTimeout(r, 5));
      killedAt = performance.now();
      await pair.killPrimary();
      await new Promise((r) => setTimeout(r, 2000));
      promoteMs = await pair.promoteStandby();
    })();
    const worker = async () => {
      for (let j = next++; j < jobs.length; j = next++) {
        const { code, at } = jobs[j]!;
        // A distinct envelope per request: timestamps step by 1 ms inside the window.
        const a = await call(at, 'ehc.ehealthcode.verify', verifyBiz(code), {
          timestamp: one.clock.now() + ++seq,
        });
        answers.push({
          code,
          outcome: a.status === 'success' ? 'valid' : (a.errCode ?? 'failure'),
          doneMs: performance.now(),
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await failover;

    expect(answers).toHaveLength(jobs.length); // every request answered (a hang aborts at 30 s)
    const outcomes = new Map<string, number>();
    for (const a of answers) outcomes.set(a.outcome, (outcomes.get(a.outcome) ?? 0) + 1);
    // Only the three answers a terminal may get: valid, refused as used, or unavailable.
    expect([...outcomes.keys()].every((o) => ['valid', 'CODE_USED', 'DB_UNAVAILABLE'].includes(o))).toBe(
      true,
    );
    expect(outcomes.get('DB_UNAVAILABLE') ?? 0).toBeGreaterThan(0); // the outage was real, and answered

    const accepted = new Map<string, number>();
    for (const a of answers) if (a.outcome === 'valid') accepted.set(a.code, (accepted.get(a.code) ?? 0) + 1);
    expect([...accepted.values()].filter((n) => n > 1)).toEqual([]); // 0 codes accepted twice

    // 0 acknowledged claims lost: every code answered valid is used on the promoted standby.
    const c = new pg.Client({ connectionString: pair.standby.url, query_timeout: 10_000 });
    await c.connect();
    let used: Set<string>;
    try {
      used = new Set(
        (await c.query<{ v: string }>("SELECT ehc_id || ':' || validity AS v FROM used_codes")).rows.map(
          (r) => r.v,
        ),
      );
    } finally {
      await c.end();
    }
    const stored = used.size;
    const lost = [...accepted.keys()].filter((code) => {
      const parsed = parseEhcCode(code);
      return !parsed.ok || !used.has(`${parsed.value.ehcId}:${parsed.value.validity ?? ''}`);
    });
    expect(lost).toEqual([]);
    expect(stored).toBeLessThanOrEqual(codes.length);

    // Both instances are back on the new primary.
    const firstValidAfter = answers.find((a) => a.doneMs > killedAt + 2000 && a.outcome === 'valid');
    expect(firstValidAfter).toBeDefined();
    for (const s of stores)
      expect(s.status()).toMatchObject({ state: 'connected', activeHost: `127.0.0.1:${pair.standby.port}` });
    const failoverMs = Math.round((firstValidAfter?.doneMs ?? 0) - killedAt);
    process.stderr.write(
      `central failover: ${jobs.length} verifies, ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
        `${accepted.size} accepted, ${stored} stored; promote ${promoteMs} ms; kill → first valid ${failoverMs} ms\n`,
    );
  }, 120_000);
});
