import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Business, whyOf } from '../central/business.js';
import type { CertifySettings } from '../context.js';
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
 * 5.5-2 — database hot standby. A database with its own replication (target mode,
 * `database.kind: external`) is failed over by the lab engineer, who records the outcome; with the
 * embedded SQLite deployment there is no database standby to fail over, so the check shows what
 * exists — an online backup started as a warm standby, with its recovery point and start time —
 * and leaves the verdict to the lab engineer (never `pass`).
 */
export const databaseStandby: CertifyCheck = {
  id: '5.5-2',
  timeoutMs: 120_000,
  async run(ctx): Promise<CheckOutcome> {
    const db = ctx.central.database;
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
