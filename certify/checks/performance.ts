import type { CertifySettings } from '../context.js';
import { describeLoad, loadCharts, loadMeasurements } from '../load/charts.js';
import { runLoad } from '../load/load-runner.js';
import { businessFor, CardPool, type Operation, singleOperation, warmUp } from '../load/workloads.js';
import type { CheckOutcome } from '../types.js';
import type { CertifyCheck } from './util.js';

const TITLES: Record<Operation, string> = {
  register: 'user registration',
  generate: 'QR code generation',
  verify: 'QR code verification',
};

const SPEC_USERS = 30;

/**
 * 5.3-1/2/3 — registration, generation, verification under load: `users` (30) virtual users run
 * the transaction back to back for the configured duration after one unmeasured warm-up round;
 * pass only if TPS ≥ 30, every transaction ≤ 1 s and every transaction succeeded.
 */
export function performanceCheck(id: string, kind: Operation, settings: CertifySettings): CertifyCheck {
  return {
    id,
    timeoutMs: 120_000 + settings.durationS * 3000,
    async run(ctx): Promise<CheckOutcome> {
      const s = ctx.settings;
      const b = businessFor(ctx);
      const pool = new CardPool(b);
      if (kind !== 'register') await pool.fill(s.users, 4);
      const w = singleOperation(b, kind, pool);
      await warmUp(w, s.users);
      const r = await runLoad({ users: s.users, durationMs: s.durationS * 1000, op: w.op });
      const limits = { minTps: s.minTps, maxLatencyMs: s.maxLatencyMs };
      const tpsOk = r.tps >= s.minTps;
      const latencyOk = r.latency.maxMs <= s.maxLatencyMs;
      const successOk = r.failed === 0 && r.count > 0;
      const usersOk = s.users >= SPEC_USERS;
      const failed = !(tpsOk && latencyOk && successOk && usersOk);
      const evidence = [
        describeLoad(TITLES[kind], r),
        `TPS ${r.tps.toFixed(1)} ${tpsOk ? '≥' : 'BELOW'} ${s.minTps}; slowest ${r.latency.maxMs.toFixed(1)} ms ${latencyOk ? '≤' : 'OVER'} ${s.maxLatencyMs} ms; success ${successOk ? '100 %' : 'BELOW 100 %'}${usersOk ? '' : `; only ${s.users} users (spec: ${SPEC_USERS})`}`,
        `measured at the client over HTTPS through ${ctx.central.url}; one warm-up round per user not counted${kind === 'verify' ? '; each verification uses a code generated just before (not timed)' : ''}${ctx.mode === 'embedded' ? '; embedded: the load generator shares one process and its CPU with the system under test' : ''}`,
      ];
      return {
        verdict: failed ? 'fail' : 'pass',
        evidence,
        measurements: loadMeasurements(r, limits),
        charts: loadCharts(TITLES[kind], r, limits),
        ...(failed
          ? {
              advice: !latencyOk
                ? 'Find what makes transactions slower than 1 s (cipher machine latency, database locks, network) and fix it before re-testing.'
                : !tpsOk
                  ? 'Add capacity (application instances, cipher-machine connections) until 30 users reach 30 TPS.'
                  : 'Find and fix the failing transactions (see the failure reasons).',
            }
          : {}),
      };
    },
  };
}
