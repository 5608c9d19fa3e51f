import type { ChartSeries, Measurement } from '../types.js';
import type { LoadResult } from './load-runner.js';

const label = (s: number): string => `${Number.isInteger(s) ? s : s.toFixed(1)}s`;

/** Keeps at most `max` points, merging neighbours by taking the worst (for long soaks). */
function thin<T extends { label: string; value: number }>(
  points: T[],
  max: number,
  worst: (a: number, b: number) => number,
): T[] {
  if (points.length <= max) return points;
  const per = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += per) {
    const group = points.slice(i, i + per);
    out.push({ ...group[0]!, value: group.map((p) => p.value).reduce(worst) });
  }
  return out;
}

/** TPS per window (limit: the spec's minimum) and the slowest transaction per window (limit: 1 s). */
export function loadCharts(
  title: string,
  r: LoadResult,
  limits: { minTps: number; maxLatencyMs: number },
): ChartSeries[] {
  const full = r.windows.filter((w) => w.count > 0);
  return [
    {
      title: `${title}: successful transactions per second`,
      unit: 'TPS',
      limit: limits.minTps,
      points: thin(
        full.map((w) => ({ label: label(w.startS), value: w.tps })),
        30,
        Math.min,
      ),
    },
    {
      title: `${title}: slowest transaction per window`,
      unit: 'ms',
      limit: limits.maxLatencyMs,
      points: thin(
        full.map((w) => ({ label: label(w.startS), value: w.maxMs })),
        30,
        Math.max,
      ),
    },
    {
      title: `${title}: response-time percentiles`,
      unit: 'ms',
      limit: limits.maxLatencyMs,
      points: [
        { label: 'p50', value: r.latency.p50Ms },
        { label: 'p90', value: r.latency.p90Ms },
        { label: 'p99', value: r.latency.p99Ms },
        { label: 'max', value: r.latency.maxMs },
      ],
    },
  ];
}

export function loadMeasurements(
  r: LoadResult,
  limits: { minTps: number; maxLatencyMs: number },
): Measurement[] {
  return [
    { name: 'concurrent users', value: r.users, unit: 'users', limit: 30, limitKind: 'min' },
    { name: 'TPS', value: r.tps, unit: 'tx/s', limit: limits.minTps, limitKind: 'min' },
    {
      name: 'slowest transaction',
      value: r.latency.maxMs,
      unit: 'ms',
      limit: limits.maxLatencyMs,
      limitKind: 'max',
    },
    { name: 'p50', value: r.latency.p50Ms, unit: 'ms' },
    { name: 'p99', value: r.latency.p99Ms, unit: 'ms' },
    {
      name: 'success rate',
      value: r.count === 0 ? 0 : (100 * r.ok) / r.count,
      unit: '%',
      limit: 100,
      limitKind: 'min',
    },
    { name: 'transactions', value: r.count, unit: 'tx' },
    { name: 'measured duration', value: r.durationS, unit: 's' },
  ];
}

/** One sentence describing a load result for the evidence. */
export function describeLoad(what: string, r: LoadResult): string {
  const fails = Object.entries(r.failures)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  return `${r.users} virtual users ran ${what} back to back for ${r.durationS.toFixed(1)} s: ${r.count} transactions, ${r.ok} succeeded (${r.count === 0 ? 0 : ((100 * r.ok) / r.count).toFixed(2)} %)${fails ? ` — failures: ${fails}` : ''}; TPS ${r.tps.toFixed(1)}; response time p50 ${r.latency.p50Ms.toFixed(1)} ms, p99 ${r.latency.p99Ms.toFixed(1)} ms, slowest ${r.latency.maxMs.toFixed(1)} ms`;
}
