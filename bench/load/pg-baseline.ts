import { randomBytes } from 'node:crypto';
import { PostgresCluster, splitHosts } from '../../storage/postgres.js';
import { nowMs, type Summary, summarize } from '../common/samples.js';

/**
 * The ceiling the central service on PostgreSQL is measured against: the claim statement alone
 * (the same `INSERT … ON CONFLICT … RETURNING` the store runs, on the real `used_codes` table)
 * from `connections` concurrent callers for `durationS`, through a driver and a pool of the same
 * size the service uses — pgbench's single-row insert, from Node. Every key is fresh (each claim
 * inserts); the rows are deleted afterwards. `pg` is the service's driver; `postgres`
 * (porsager/postgres) is measured beside it for the driver choice.
 */
export type PgDriver = 'pg' | 'postgres';

export interface ClaimBaselineOptions {
  readonly url: string;
  readonly driver: PgDriver;
  readonly connections: number;
  readonly poolSize: number;
  readonly durationS: number;
}

export interface ClaimBaselineResult extends Summary {
  readonly driver: PgDriver;
  readonly tps: number;
  readonly poolSize: number;
  readonly connections: number;
  readonly errors: number;
}

const CLAIM = `INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code, uses, claim_id)
  VALUES ($1, $2, $3, $4, $5, 1, $6)
  ON CONFLICT (generated_ms, ehc_id, validity) DO UPDATE
    SET uses = used_codes.uses + 1 WHERE used_codes.uses < $7
  RETURNING uses`;

/** One claim with a fresh key; the driver's own call. */
type Claim = (values: readonly unknown[]) => Promise<unknown>;

async function openDriver(
  o: ClaimBaselineOptions,
): Promise<{ claim: Claim; cleanup(prefix: string): Promise<void>; close(): Promise<void> }> {
  if (o.driver === 'pg') {
    const cluster = new PostgresCluster({ url: o.url, poolSize: o.poolSize });
    await cluster.connect();
    const st = { name: 'bench_claim', text: CLAIM };
    return {
      claim: (v) => cluster.query(st, v),
      cleanup: async (prefix) => {
        await cluster.query({ name: 'bench_cleanup', text: 'DELETE FROM used_codes WHERE ehc_id LIKE $1' }, [
          `${prefix}%`,
        ]);
      },
      close: () => cluster.close(),
    };
  }
  const { default: postgres } = await import('postgres');
  const [first] = splitHosts(o.url);
  const sql = postgres(first!.url, { max: o.poolSize, prepare: true, onnotice: () => undefined });
  return {
    claim: (v) => sql.unsafe(CLAIM, v as never[], { prepare: true }),
    cleanup: async (prefix) => {
      await sql`DELETE FROM used_codes WHERE ehc_id LIKE ${`${prefix}%`}`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export async function runClaimBaseline(o: ClaimBaselineOptions): Promise<ClaimBaselineResult> {
  const d = await openDriver(o);
  const prefix = `BASELINE-${randomBytes(4).toString('hex')}-`;
  const samples: number[] = [];
  let errors = 0;
  let n = 0;
  try {
    // Warm the pool and the prepared statement on every connection.
    await Promise.all(
      Array.from({ length: o.poolSize }, (_, i) => d.claim([1, `${prefix}w${i}`, 'V', 1, 'T', 'w', 1])),
    );
    const t0 = nowMs();
    const end = t0 + o.durationS * 1000;
    const loop = async (): Promise<void> => {
      while (nowMs() < end) {
        const i = n++;
        const s = nowMs();
        try {
          await d.claim([Date.now(), `${prefix}${i}`, 'V', Date.now(), 'T', `c${i}`, 1]);
          samples.push(nowMs() - s);
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: o.connections }, loop));
    const elapsedS = (nowMs() - t0) / 1000;
    return {
      driver: o.driver,
      ...summarize(samples),
      tps: Math.round(samples.length / elapsedS),
      poolSize: o.poolSize,
      connections: o.connections,
      errors,
    };
  } finally {
    await d.cleanup(prefix).catch(() => undefined);
    await d.close();
  }
}
