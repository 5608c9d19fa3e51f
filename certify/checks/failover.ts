import type { CertifyContext } from '../context.js';
import { describeLoad, loadCharts } from '../load/charts.js';
import { type LoadResult, LoadRun } from '../load/load-runner.js';
import { businessFor, businessMix, CardPool, warmUp } from '../load/workloads.js';
import type { ChartSeries, Measurement } from '../types.js';
import { type Finding, finding, fmtMs, ok } from './util.js';

export interface FailoverRun {
  readonly findings: Finding[];
  readonly measurements: Measurement[];
  readonly charts: ChartSeries[];
  readonly result: LoadResult;
}

/**
 * The hospital mix from `users` virtual users; a third of the way in, `stop` takes a primary
 * down; afterwards `restart` brings it back. Judged on: no failure before the stop; of the
 * transactions in flight when it happened, at most those fail; every transaction started after
 * the stop completed succeeds (served by the standby), the last full window included.
 */
export async function failoverUnderLoad(
  ctx: CertifyContext,
  what: string,
  stop: () => Promise<string>,
  restart: () => Promise<string>,
): Promise<FailoverRun> {
  const s = ctx.settings;
  const b = businessFor(ctx);
  const pool = new CardPool(b);
  await pool.fill(s.users, 4);
  const w = businessMix(b, pool);
  await warmUp(w, s.users);
  const durationMs = Math.max(3000, s.durationS * 1500);
  const run = new LoadRun({ users: s.users, durationMs, windowMs: 500, op: w.op });
  let stopAt = 0;
  let stopDone = 0;
  let inFlight = 0;
  let stopped = '';
  const f: Finding[] = [];
  const loaded = run.run();
  let stopError: unknown;
  const stopping = new Promise<void>((resolve) => {
    setTimeout(() => {
      inFlight = run.inFlight;
      const startedBefore = run.started;
      stopAt = run.elapsedMs();
      stop()
        .then((text) => {
          stopped = text;
          stopDone = run.elapsedMs();
          // transactions started while the stop was under way were in flight during it too
          inFlight += run.started - startedBefore;
        })
        .catch((e: unknown) => {
          stopError = e;
        })
        .finally(resolve);
    }, durationMs / 3);
  });
  const [r] = await Promise.all([loaded, stopping]);
  if (stopError !== undefined) throw stopError;
  f.push(
    ok(
      `at ${(stopAt / 1000).toFixed(2)} s, with ${inFlight} transactions in flight: ${stopped} (done in ${fmtMs(stopDone - stopAt)})`,
    ),
  );
  const before = r.failureTimes.filter((x) => x.atMs < stopAt);
  const caught = r.failureTimes.filter((x) => x.atMs >= stopAt && x.startMs < stopDone);
  const after = r.failureTimes.filter((x) => x.startMs >= stopDone);
  const list = (xs: typeof after): string =>
    xs.map((x) => `${x.why} ${(x.startMs / 1000).toFixed(2)}→${(x.atMs / 1000).toFixed(2)} s`).join(', ') ||
    'none';
  f.push(finding(before.length === 0, `failures before the stop: ${before.length}`));
  f.push(
    finding(
      caught.length <= inFlight,
      `transactions caught in flight by the stop that failed: ${caught.length} of ${inFlight} (${list(caught.slice(0, 10))}${caught.length > 10 ? ', …' : ''})`,
    ),
  );
  f.push(
    finding(
      after.length === 0,
      `transactions started after the stop that failed: ${after.length} (${list(after.slice(0, 10))})`,
    ),
  );
  const servedAfter = r.windows.filter((x) => x.startS * 1000 >= stopDone).reduce((n, x) => n + x.ok, 0);
  const lastFull = r.windows.filter((x) => (x.startS + 0.5) * 1000 <= r.durationS * 1000).at(-1);
  f.push(
    finding(
      servedAfter > 0 && lastFull !== undefined && lastFull.failed === 0 && lastFull.ok > 0,
      `after the stop ${servedAfter} transactions succeeded on the standby; last full window: ${lastFull?.ok ?? 0} ok, ${lastFull?.failed ?? 0} failed`,
    ),
  );
  f.push(finding(true, describeLoad(`the hospital mix while ${what}`, r)));
  f.push(ok(`restart: ${await restart()}`));
  return {
    findings: f,
    result: r,
    measurements: [
      { name: 'in flight at the stop', value: inFlight, unit: 'tx' },
      { name: 'failed in flight', value: caught.length, unit: 'tx', limit: inFlight, limitKind: 'max' },
      { name: 'failed after the stop', value: after.length, unit: 'tx', limit: 0, limitKind: 'max' },
      { name: 'served after the stop', value: servedAfter, unit: 'tx' },
      { name: 'TPS', value: r.tps, unit: 'tx/s' },
      { name: 'slowest transaction', value: r.latency.maxMs, unit: 'ms' },
    ],
    charts: [
      ...loadCharts(what, r, { minTps: s.minTps, maxLatencyMs: s.maxLatencyMs }).slice(0, 1),
      {
        title: `${what}: failed transactions per window (stop at ${(stopAt / 1000).toFixed(1)} s)`,
        unit: 'tx',
        points: r.windows.map((x) => ({ label: `${x.startS.toFixed(1)}s`, value: x.failed })),
      },
    ],
  };
}
