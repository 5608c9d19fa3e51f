import type { OpenLoopStats } from './open-loop.js';

/** What a step must meet to count as sustained (issue 16 §3: p99 ≤ 10 ms and 100 % success). */
export interface KneeCriteria {
  readonly p99Ms: number;
  readonly successRate: number;
}

export const DEFAULT_KNEE: KneeCriteria = { p99Ms: 10, successRate: 1 };

export interface SweepSettings {
  /** First step's rate, req/s. */
  readonly startRps: number;
  /** Each next step: rate × factor (when > 1)… */
  readonly factor: number;
  /** …plus this many req/s (either or both; the rate always rises by ≥ 1 req/s). */
  readonly stepRps: number;
  /** No step above this rate. */
  readonly maxRps: number;
  /** Seconds per attempt. */
  readonly stepS: number;
  readonly criteria: KneeCriteria;
}

/** The only figures the knee finder looks at: the rest of the phase's stats ride along. */
export type StepStats = Pick<OpenLoopStats, 'offeredRps' | 'p99Ms' | 'successRate'> & Partial<OpenLoopStats>;

export interface SweepStep<S extends StepStats = OpenLoopStats> {
  readonly rateRps: number;
  /** One attempt, or two when the first did not meet the criteria. */
  readonly attempts: readonly S[];
  readonly passed: boolean;
}

export interface SweepResult<S extends StepStats = OpenLoopStats> {
  readonly steps: readonly SweepStep<S>[];
  /** The highest rate sustained before the first step that failed twice; null if the first did. */
  readonly kneeRps: number | null;
  readonly stoppedBy: 'failed-twice' | 'max-rate';
}

export const meets = (s: StepStats, c: KneeCriteria): boolean =>
  s.successRate >= c.successRate && s.p99Ms <= c.p99Ms;

/** The rates of the sweep, from `startRps` up to `maxRps` (both included). */
export function sweepRates(s: Pick<SweepSettings, 'startRps' | 'factor' | 'stepRps' | 'maxRps'>): number[] {
  const rates: number[] = [];
  let r = s.startRps;
  while (r <= s.maxRps) {
    rates.push(r);
    r = Math.max(r + 1, Math.round(r * Math.max(1, s.factor) + s.stepRps));
  }
  const last = rates.at(-1);
  if (last !== undefined && last < s.maxRps) rates.push(s.maxRps);
  return rates;
}

/**
 * The knee of a sweep: the highest rate whose step passed, among the steps before the first one
 * that failed (a pass above a failure is noise on a shared machine, not capacity).
 */
export function findKnee(steps: readonly Pick<SweepStep<StepStats>, 'rateRps' | 'passed'>[]): number | null {
  let knee: number | null = null;
  for (const s of steps) {
    if (!s.passed) break;
    if (knee === null || s.rateRps > knee) knee = s.rateRps;
  }
  return knee;
}

/**
 * Raises the rate step by step (`run` measures one attempt at a rate); a step that misses the
 * criteria is tried once more, and the sweep stops at the first step that fails twice or after
 * the step at `maxRps`.
 */
export async function runSweep<S extends StepStats>(
  s: SweepSettings,
  run: (rateRps: number, attempt: number) => Promise<S>,
  onStep?: (step: SweepStep<S>) => void,
): Promise<SweepResult<S>> {
  const steps: SweepStep<S>[] = [];
  for (const rate of sweepRates(s)) {
    const attempts: S[] = [await run(rate, 1)];
    if (!meets(attempts[0]!, s.criteria)) attempts.push(await run(rate, 2));
    const step: SweepStep<S> = { rateRps: rate, attempts, passed: meets(attempts.at(-1)!, s.criteria) };
    steps.push(step);
    onStep?.(step);
    if (!step.passed) return { steps, kneeRps: findKnee(steps), stoppedBy: 'failed-twice' };
  }
  return { steps, kneeRps: findKnee(steps), stoppedBy: 'max-rate' };
}
