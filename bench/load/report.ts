import type { LoadBenchResult, OperationName } from './run.js';
import { TARGETS } from './run.js';

const OPS: readonly OperationName[] = ['register', 'generate', 'verify'];

const ms = (v: number): string =>
  (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).padStart(7);
const pct = (v: number): string => `${(v * 100).toFixed(3)}%`.padStart(9);
const int = (v: number): string => v.toLocaleString('en-US');

/** One line: the closed loop's and the open loop's p99 per operation, and the knee if swept. */
export function summarizeLoadBench(r: LoadBenchResult): string {
  const parts: string[] = [];
  const open = r.openLoop;
  for (const op of OPS) {
    const c = r.operations[op];
    const o = open?.operations[op];
    parts.push(
      o === undefined
        ? `${op} ${int(c.tps)} TPS p99 ${c.p99Ms} ms`
        : `${op} p99 closed ${c.p99Ms} ms (${int(c.tps)} TPS) / open ${o.p99Ms} ms (${int(o.offeredRps)}/s)`,
    );
  }
  if (r.sweep !== undefined) {
    const k = r.sweep.kneeRps;
    const c = r.sweep.settings.criteria;
    parts.push(
      `${r.sweep.op} knee ${k === null ? 'none (the first step failed)' : `${int(k)}/s`} (open loop, p99 ≤ ${c.p99Ms} ms, ${c.successRate * 100} %)`,
    );
  }
  return `summary: ${parts.join('; ')}`;
}

/** Closed loop and open loop side by side, per operation; then the sweep's steps. */
export function formatOpenLoop(r: LoadBenchResult): string[] {
  const lines: string[] = [];
  const head =
    'operation  loop                   offered/s  achieved/s    success  p50 ms  p90 ms  p99 ms p99.9 ms  max ms  not on time';
  const row = (
    op: string,
    loop: string,
    offered: string,
    achieved: number,
    success: number,
    p: { p50Ms: number; p90Ms: number; p99Ms: number; p999Ms: number; maxMs: number },
    notOnTime: string,
  ): string =>
    [
      op.padEnd(10),
      loop.padEnd(22),
      offered.padStart(9),
      int(achieved).padStart(11),
      pct(success).padStart(10),
      ms(p.p50Ms),
      ms(p.p90Ms),
      ms(p.p99Ms),
      ms(p.p999Ms).padStart(8),
      ms(p.maxMs),
      notOnTime.padStart(12),
    ].join(' ');
  const open = r.openLoop;
  if (open !== undefined) {
    lines.push(
      '',
      `closed loop (${r.settings.connections} users, one request in flight each) vs open loop (fixed arrival rate, latency from the scheduled send time; ${open.connections} keep-alive connections, ≤ ${open.maxInFlight} in flight, late = sent > ${open.lateAfterMs} ms after schedule)`,
      head,
    );
    for (const op of OPS) {
      const c = r.operations[op];
      const o = open.operations[op];
      lines.push(row(op, `closed, ${r.settings.connections} users`, '—', c.tps, c.successRate, c, '—'));
      if (o === undefined) continue;
      lines.push(
        row(
          '',
          `open, ${int(o.offeredRps)}/s`,
          int(o.offeredRps),
          o.achievedRps,
          o.successRate,
          o,
          String(o.notOnTime),
        ),
      );
      const b = o.baseline;
      lines.push(
        `${''.padEnd(10)} ${'  no-op at that rate'.padEnd(22)} ${int(o.offeredRps).padStart(9)} ${int(b.achievedRps).padStart(11)} ${pct(b.successRate).padStart(10)} ${ms(b.p50Ms)}         ${ms(b.p99Ms)}          ${ms(b.maxMs)} ${String(b.notOnTime).padStart(12)}`,
      );
      const failed = Object.entries(o.failures);
      if (failed.length > 0)
        lines.push(`${''.padEnd(11)}open-loop failures: ${failed.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
  }
  const sw = r.sweep;
  if (sw !== undefined) {
    const c = sw.settings.criteria;
    const last = sw.steps.at(-1);
    lines.push(
      '',
      `sweep of ${sw.op} (open loop, ${sw.settings.stepS} s per step, ×${sw.settings.factor}${sw.settings.stepRps > 0 ? ` +${sw.settings.stepRps}/s` : ''} up to ${int(sw.settings.maxRps)}/s; a step passes with p99 ≤ ${c.p99Ms} ms and ${c.successRate * 100} % success, a failed step is tried once more): knee ${sw.kneeRps === null ? 'none' : `${int(sw.kneeRps)}/s`}, stopped by ${sw.stoppedBy === 'max-rate' ? 'the max rate' : `two failures at ${int(last?.rateRps ?? 0)}/s`}`,
      head,
    );
    for (const step of sw.steps) {
      step.attempts.forEach((a, i) => {
        lines.push(
          row(
            i === 0 ? sw.op : '',
            `open${i > 0 ? ' (retry)' : ''}${i === step.attempts.length - 1 ? (step.passed ? ' ok' : ' FAILED') : ' over'}`,
            int(a.offeredRps),
            a.achievedRps ?? 0,
            a.successRate,
            a,
            String(a.notOnTime ?? 0),
          ),
        );
      });
    }
    const n = sw.noopAtStop;
    if (n !== undefined) {
      lines.push(
        row(
          'no-op',
          'control at the stop',
          int(n.offeredRps),
          n.achievedRps,
          n.successRate,
          n,
          String(n.notOnTime),
        ),
        `(the no-op endpoint at the rate that failed: ${n.p99Ms <= c.p99Ms && n.successRate >= c.successRate ? `it holds, so ${sw.op} set the limit` : `it misses the criteria too, so the client or the machine set the limit, not ${sw.op}`})`,
      );
    }
  }
  return lines;
}

/** A plain-text table of the load test, one row per operation, ratios to the in-run baseline. */
export function formatLoadBench(r: LoadBenchResult): string {
  const s = r.settings;
  const lines = [
    `load test (spec §5.3): ${s.connections} users, ${s.durationS} s per operation, ${s.cpus} CPUs, ${s.node}, load average ${s.loadAvgBefore} → ${s.loadAvgAfter}`,
    'operation   TPS     p50 ms  p95 ms  p99 ms  max ms  success    baseline TPS  ratio  target  spec',
  ];
  for (const op of OPS) {
    const o = r.operations[op];
    lines.push(
      [
        op.padEnd(10),
        String(o.tps).padStart(6),
        o.p50Ms.toFixed(2).padStart(7),
        o.p95Ms.toFixed(2).padStart(7),
        o.p99Ms.toFixed(2).padStart(7),
        o.maxMs.toFixed(1).padStart(7),
        `${(o.successRate * 100).toFixed(3)}%`.padStart(9),
        String(o.baselineTps).padStart(13),
        o.ratioToBaseline.toFixed(2).padStart(6),
        (o.meetsTarget ? 'yes' : 'NO').padStart(7),
        (o.meetsSpec ? 'yes' : 'NO').padStart(5),
      ].join(' '),
    );
    const failed = Object.entries(o.failures);
    if (failed.length > 0)
      lines.push(`            failures: ${failed.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  lines.push(
    `targets: ≥ ${TARGETS.verify.tps} TPS verify/generate, ≥ ${TARGETS.register.tps} register, p99 ≤ ${TARGETS.verify.p99Ms} ms, 100 % success; spec: ≥ 30 TPS, every transaction ≤ 1 s, 100 %`,
  );
  lines.push(...formatOpenLoop(r));
  if (r.verifyPool.stoppedEarly) {
    lines.push(
      `note: verification used up its pool of ${r.verifyPool.codes} codes after ${r.operations.verify.elapsedS} s and stopped early (TPS is over that time)`,
    );
  }
  if (r.openLoop !== undefined || r.sweep !== undefined) lines.push('', summarizeLoadBench(r));
  return lines.join('\n');
}
