import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { maskFreeText } from '../../protocol/privacy/mask.js';
import { maskUrl } from '../../storage/postgres.js';
import { Business, whyOf } from '../central/business.js';
import type { CertifyContext, CertifySettings } from '../context.js';
import type { CheckOutcome } from '../types.js';
import { failoverUnderLoad } from './failover.js';
import { type CertifyCheck, type Finding, finding, fmtMs, judge, unverified } from './util.js';

const failoverTimeout = (s: CertifySettings): number => 120_000 + s.durationS * 3000;

/**
 * 5.5-1 — application-server hot standby: under the hospital mix the primary central-service
 * instance is stopped; its in-flight transactions may fail, nothing else may, and the standby
 * must carry the traffic. The primary is restarted afterwards.
 */
export function appServerStandby(settings: CertifySettings): CertifyCheck {
  return {
    id: '5.5-1',
    timeoutMs: failoverTimeout(settings),
    async run(ctx): Promise<CheckOutcome> {
      const r = await failoverUnderLoad(
        ctx,
        'the primary application server is stopped',
        () => ctx.faults.stopCentralPrimary(),
        () => ctx.faults.restartCentralPrimary(),
      );
      return {
        ...judge(
          r.findings,
          'Run a second application-server instance behind a load balancer with health checks, sharing the database, and verify that it takes the traffic.',
        ),
        measurements: r.measurements,
        charts: r.charts,
      };
    },
  };
}

/**
 * 5.5-6 (optional) — cipher-machine hot standby: under the hospital mix (every transaction needs
 * the cipher machine) the primary machine is powered off; calls must continue on the standby with
 * no failure beyond those in flight, and the agent must still verify scans. Restarted afterwards.
 */
export function cipherMachineStandby(settings: CertifySettings): CertifyCheck {
  return {
    id: '5.5-6',
    timeoutMs: failoverTimeout(settings),
    async run(ctx): Promise<CheckOutcome> {
      const extra: Finding[] = [];
      const r = await failoverUnderLoad(
        ctx,
        'the primary cipher machine is stopped',
        () => ctx.faults.stopCipherMachinePrimary(),
        async () => {
          const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
          const card = await b.newCard();
          const code = card.ehcId ? await b.freshCode(card.ehcId) : undefined;
          const scan = code?.code ? await ctx.stations[0]?.scan(code.code) : undefined;
          extra.push(
            finding(
              scan?.verdict === 'VALID',
              `with the primary still down, a fresh code scanned at the ${ctx.stations[0]?.name ?? 'window'}: ${scan?.verdict ?? `not scanned (${card.why ?? code?.why})`}`,
            ),
          );
          return ctx.faults.restartCipherMachinePrimary();
        },
      );
      return {
        ...judge(
          [...r.findings, ...extra],
          'Configure the standby cipher machine in every client (agent and central service) and verify failover.',
        ),
        measurements: r.measurements,
        charts: r.charts,
      };
    },
  };
}

/**
 * 5.5-2 — database hot standby. PostgreSQL named by its primary and standby URLs (target mode,
 * `central.database: {primary, standby}`) is checked here: see `postgresStandby`. A database
 * only described (`database.kind: external`) is failed over by the lab engineer, who records the outcome; with the
 * embedded SQLite deployment there is no database standby to fail over, so the check shows what
 * exists — an online backup started as a warm standby, with its recovery point and start time —
 * and leaves the verdict to the lab engineer (never `pass`).
 */
export const databaseStandby: CertifyCheck = {
  id: '5.5-2',
  timeoutMs: 120_000,
  async run(ctx): Promise<CheckOutcome> {
    const db = ctx.central.database;
    if (db.kind === 'postgres-standby') return postgresStandby(ctx, db.primary, db.standby);
    if (db.kind === 'external') {
      return judge([
        unverified(
          `database: ${db.description}; fail the primary database over during load and record the outcome in the manual answers`,
        ),
      ]);
    }
    const f: Finding[] = [
      unverified(
        `the application servers share one SQLite file (${db.file}); SQLite has no server and no replication, so no database hot standby exists to fail over — a production deployment needs a replicated database (e.g. PostgreSQL streaming replication) verified on site`,
      ),
    ];
    const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
    const before = await b.newCard();
    const file = join(tmpdir(), `ehc-certify-warm-${process.pid}-${Date.now()}.db`);
    try {
      const t0 = performance.now();
      await db.backupTo(file);
      const backedUp = performance.now();
      const after = await b.newCard();
      const warm = await db.startWarmStandby(file);
      const started = performance.now();
      try {
        const wb = new Business(warm.client, ctx.central.terminalCode);
        const known = before.ehcId ? await wb.generate(before.ehcId) : undefined;
        const lost = after.ehcId ? await wb.generate(after.ehcId) : undefined;
        f.push(
          finding(
            known?.status === 'success',
            `warm standby from an online backup (${fmtMs(backedUp - t0)} to back up, ${fmtMs(started - backedUp)} to start): a card registered before the backup gets a code there (${known ? whyOf(known) : 'no card'})`,
          ),
        );
        f.push(
          finding(
            lost !== undefined && lost.status !== 'success',
            `a card registered after the backup is unknown there (${lost ? whyOf(lost) : 'no card'}): the recovery point is the last backup, data written since is lost`,
          ),
        );
      } finally {
        await warm.close();
      }
    } finally {
      rmSync(file, { force: true });
    }
    return judge(f);
  },
};

/** Runs `f` on a short-lived connection (bounded on both sides), closing it. */
async function onDb<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    statement_timeout: 5000,
    query_timeout: 7000,
  });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * 5.5-2 on PostgreSQL, without failing anything over: the primary is a primary with the standby
 * streaming to it synchronously (`sync_state` sync or quorum, `synchronous_commit` waiting for
 * the standby), the standby is in recovery and receiving, and a card the central service just
 * registered (an acknowledged write) is on the standby at once. The failover itself (kill -9,
 * promote, the instances reconnect, nothing acknowledged lost) is the project's failover test
 * (test/central/failover.test.ts) and the drill in the README.
 */
async function postgresStandby(ctx: CertifyContext, primary: string, standby: string): Promise<CheckOutcome> {
  const f: Finding[] = [];
  try {
    const p = await onDb(primary, async (c) => ({
      recovery: (await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r,
      commit: (await c.query<{ v: string }>("SELECT current_setting('synchronous_commit') AS v")).rows[0]?.v,
      names: (await c.query<{ v: string }>("SELECT current_setting('synchronous_standby_names') AS v"))
        .rows[0]?.v,
      reps: (
        await c.query<{ name: string; state: string; sync: string }>(
          'SELECT application_name AS name, state, sync_state AS sync FROM pg_stat_replication',
        )
      ).rows,
    }));
    f.push(finding(p.recovery === false, `primary ${maskUrl(primary)} is read-write (not in recovery)`));
    const syncRep = p.reps.filter(
      (r) => r.state === 'streaming' && (r.sync === 'sync' || r.sync === 'quorum'),
    );
    f.push(
      finding(
        syncRep.length > 0,
        `replication on the primary: ${p.reps.map((r) => `${r.name} ${r.state}/${r.sync}`).join(', ') || 'none'} (synchronous_standby_names '${p.names ?? ''}')`,
      ),
    );
    f.push(
      finding(
        ['on', 'remote_write', 'remote_apply'].includes(p.commit ?? ''),
        `synchronous_commit = ${p.commit ?? '?'}: a commit the service acknowledges waits for the standby`,
      ),
    );
    const s = await onDb(standby, async (c) => ({
      recovery: (await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r,
      receiver: (await c.query<{ status: string }>('SELECT status FROM pg_stat_wal_receiver')).rows[0]
        ?.status,
    }));
    f.push(
      finding(
        s.recovery === true && s.receiver === 'streaming',
        `standby ${maskUrl(standby)}: in recovery ${s.recovery}, WAL receiver ${s.receiver ?? 'none'}`,
      ),
    );
    const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
    const card = await b.newCard();
    if (card.ehcId === undefined) {
      f.push(finding(false, `could not register a card at the central service (${card.why ?? 'no answer'})`));
    } else {
      const t0 = performance.now();
      let seenMs: number | undefined;
      await onDb(standby, async (c) => {
        for (let i = 0; i < 100 && seenMs === undefined; i++) {
          const r = await c.query('SELECT 1 FROM cards WHERE ehc_id = $1', [card.ehcId]);
          if (r.rowCount === 1) seenMs = performance.now() - t0;
          else await new Promise((res) => setTimeout(res, 10));
        }
      });
      f.push(
        finding(
          seenMs !== undefined && seenMs < 100,
          seenMs === undefined
            ? 'a card the service acknowledged is not on the standby after 1 s'
            : `a card the service acknowledged is on the standby after ${fmtMs(seenMs)}`,
        ),
      );
    }
  } catch (e) {
    f.push(
      finding(
        false,
        `cannot inspect the databases: ${e instanceof Error ? maskFreeText(e.message) : 'error'}`,
      ),
    );
  }
  return judge(
    f,
    'Run a synchronous streaming standby (scripts/pg-standby.sh) and point central.database at both.',
  );
}
