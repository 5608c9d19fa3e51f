import type { LoadBenchResult, OperationName } from './run.js';
import { TARGETS } from './run.js';

const OPS: readonly OperationName[] = ['register', 'generate', 'verify'];

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
  if (r.verifyPool.stoppedEarly) {
    lines.push(
      `note: verification used up its pool of ${r.verifyPool.codes} codes after ${r.operations.verify.elapsedS} s and stopped early (TPS is over that time)`,
    );
  }
  return lines.join('\n');
}
