import type { CertifySettings } from '../context.js';
import { describeLoad, loadCharts } from '../load/charts.js';
import { runLoad, type WindowStat } from '../load/load-runner.js';
import { businessFor, businessMix, CardPool, warmUp } from '../load/workloads.js';
import type { ChartSeries, CheckOutcome } from '../types.js';
import { type CertifyCheck, type Finding, finding, judge, unverified } from './util.js';

/** Heap growth over the soak above this is reported as a leak. */
const MAX_HEAP_GROWTH_MB = 128;

/** Latency drift: the last window's p99 may be at most this much worse than the first's. */
function driftOk(first: WindowStat, last: WindowStat): boolean {
  return last.p99Ms <= Math.max(2 * first.p99Ms, first.p99Ms + 100);
}

/**
 * 5.3-6 (recommended) — uninterrupted operation under steady simulated load for the configured
 * soak (7×24 h in a lab; seconds in CI): the hospital mix (generate, verify, one registration in
 * twenty) from `users` virtual users; judged on zero errors, every transaction ≤ 1 s, no latency
 * drift between the first and the last full window, and heap growth of the system's process
 * (embedded: the same process) within bounds.
 */
export function stabilityCheck(settings: CertifySettings): CertifyCheck {
  return {
    id: '5.3-6',
    timeoutMs: 120_000 + settings.soakS * 2000,
    async run(ctx): Promise<CheckOutcome> {
      const s = ctx.settings;
      const b = businessFor(ctx);
      const pool = new CardPool(b);
      await pool.fill(s.users, 4);
      const w = businessMix(b, pool);
      await warmUp(w, s.users);
      const windowMs = Math.max(1000, Math.round((s.soakS * 1000) / 20));
      const memory: { atS: number; heapMb: number; rssMb: number }[] = [];
      const t0 = performance.now();
      const sample = (): void => {
        const m = ctx.memory?.();
        if (m) memory.push({ atS: (performance.now() - t0) / 1000, heapMb: m.heapUsedMb, rssMb: m.rssMb });
      };
      sample();
      const timer = setInterval(sample, windowMs);
      const r = await runLoad({ users: s.users, durationMs: s.soakS * 1000, windowMs, op: w.op }).finally(
        () => clearInterval(timer),
      );
      sample();
      const f: Finding[] = [finding(r.failed === 0 && r.count > 0, describeLoad('the hospital mix', r))];
      f.push(
        finding(
          r.latency.maxMs <= s.maxLatencyMs,
          `slowest transaction ${r.latency.maxMs.toFixed(1)} ms (limit ${s.maxLatencyMs} ms)`,
        ),
      );
      const full = r.windows.filter((x) => x.startS + windowMs / 1000 <= r.durationS + 1e-6);
      const first = full[0];
      const last = full.at(-1);
      if (first && last && full.length >= 2) {
        f.push(
          finding(
            driftOk(first, last),
            `latency drift: p99 ${first.p99Ms.toFixed(1)} ms in the first window (${first.tps.toFixed(0)} TPS) → ${last.p99Ms.toFixed(1)} ms in the last (${last.tps.toFixed(0)} TPS)`,
          ),
        );
      } else {
        f.push(unverified(`the soak of ${s.soakS} s has fewer than two full windows: no drift measurement`));
      }
      const m0 = memory[0];
      const m1 = memory.at(-1);
      if (m0 && m1) {
        const growth = m1.heapMb - m0.heapMb;
        const hours = Math.max(1e-9, (m1.atS - m0.atS) / 3600);
        f.push(
          finding(
            growth <= MAX_HEAP_GROWTH_MB,
            `memory of the system's process: heap ${m0.heapMb.toFixed(1)} → ${m1.heapMb.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB${hours >= 0.1 ? `, ${(growth / hours).toFixed(0)} MB/h` : ''}), RSS ${m0.rssMb.toFixed(0)} → ${m1.rssMb.toFixed(0)} MB; limit +${MAX_HEAP_GROWTH_MB} MB`,
          ),
        );
      } else {
        f.push(
          unverified(
            "the memory of the system's processes is not observable from here: watch it on the servers",
          ),
        );
      }
      const charts: ChartSeries[] = [
        ...loadCharts('stability soak', r, { minTps: s.minTps, maxLatencyMs: s.maxLatencyMs }).slice(0, 2),
        ...(memory.length > 1
          ? [
              {
                title: 'stability soak: heap in use',
                unit: 'MB',
                points: memory.map((m) => ({ label: `${m.atS.toFixed(0)}s`, value: m.heapMb })).slice(-30),
              },
            ]
          : []),
      ];
      return {
        ...judge(
          f,
          'Find the cause of errors, slow-downs or memory growth under steady load before running 7×24 h.',
        ),
        measurements: [
          { name: 'soak duration', value: r.durationS, unit: 's' },
          { name: 'errors', value: r.failed, unit: 'tx', limit: 0, limitKind: 'max' },
          { name: 'TPS', value: r.tps, unit: 'tx/s' },
          {
            name: 'slowest transaction',
            value: r.latency.maxMs,
            unit: 'ms',
            limit: s.maxLatencyMs,
            limitKind: 'max',
          },
          ...(m0 && m1
            ? [
                {
                  name: 'heap growth',
                  value: m1.heapMb - m0.heapMb,
                  unit: 'MB',
                  limit: MAX_HEAP_GROWTH_MB,
                  limitKind: 'max' as const,
                },
              ]
            : []),
        ],
        charts,
      };
    },
  };
}
