import { build, type Histogram } from 'hdr-histogram-js';

/** One measured transaction: whether it succeeded, and its response time. */
export interface Txn {
  readonly ok: boolean;
  /** Why it failed (a short code: `timeout`, `connection`, an err_code …). */
  readonly why?: string;
  readonly ms: number;
}

export interface LoadOptions {
  /** Concurrent virtual users, each running transactions back to back (no think time). */
  readonly users: number;
  readonly durationMs: number;
  /** Width of the time windows of the per-window statistics (default 1000 ms). */
  readonly windowMs?: number;
  /** One transaction of virtual user `vu`; it measures its own response time. Must not throw. */
  readonly op: (vu: number) => Promise<Txn>;
}

export interface LatencySummary {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** The exact slowest transaction. */
  readonly maxMs: number;
}

export interface WindowStat extends LatencySummary {
  /** Window start, s since the run began. */
  readonly startS: number;
  readonly count: number;
  readonly ok: number;
  readonly failed: number;
  /** Successful transactions per second in this window. */
  readonly tps: number;
}

export interface FailureAt {
  /** When it started and ended, ms since the run started. */
  readonly startMs: number;
  readonly atMs: number;
  readonly why: string;
}

export interface LoadResult {
  readonly users: number;
  /** Wall time from the first start to the last completion, s. */
  readonly durationS: number;
  readonly count: number;
  readonly ok: number;
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  /** The first failures with their time (ms since the start), at most 200. */
  readonly failureTimes: readonly FailureAt[];
  /** Successful transactions per second over the whole run. */
  readonly tps: number;
  readonly latency: LatencySummary;
  readonly windows: readonly WindowStat[];
}

const newHist = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });

interface Acc {
  hist: Histogram;
  count: number;
  ok: number;
  max: number;
  sum: number;
}

const newAcc = (): Acc => ({ hist: newHist(), count: 0, ok: 0, max: 0, sum: 0 });

function summary(a: Acc): LatencySummary {
  // HDR bucket values can lie above the recorded maximum (exact, in ms); a percentile never does.
  const at = (p: number): number =>
    a.count === 0 ? 0 : Math.min(a.max, a.hist.getValueAtPercentile(p) / 1000);
  return {
    meanMs: a.count === 0 ? 0 : a.sum / a.count,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: a.max,
  };
}

/**
 * A closed-loop load run (the "script simulating real users" of spec §5.3): `users` workers each
 * start a transaction as soon as their previous one ended, until `durationMs` has passed;
 * transactions started before the end are waited for and counted. Response times go into HDR
 * histograms (µs), total and per window, plus the exact maximum. `inFlight` is readable while it
 * runs (failover checks read it at the moment they stop a server).
 */
export class LoadRun {
  inFlight = 0;
  /** Transactions started so far. */
  started = 0;
  private t0 = 0;

  constructor(private readonly o: LoadOptions) {}

  /** ms since the run started. */
  elapsedMs(): number {
    return performance.now() - this.t0;
  }

  async run(): Promise<LoadResult> {
    const windowMs = this.o.windowMs ?? 1000;
    const total = newAcc();
    const windows = new Map<number, Acc>();
    const failures: Record<string, number> = {};
    const failureTimes: FailureAt[] = [];
    this.t0 = performance.now();
    const end = this.t0 + this.o.durationMs;
    let last = this.t0;
    const record = (t: Txn, startAt: number, doneAt: number): void => {
      const us = Math.max(1, Math.round(t.ms * 1000));
      const w = Math.floor((doneAt - this.t0) / windowMs);
      let acc = windows.get(w);
      if (!acc) {
        acc = newAcc();
        windows.set(w, acc);
      }
      for (const a of [total, acc]) {
        a.hist.recordValue(us);
        a.count++;
        a.sum += t.ms;
        if (t.ms > a.max) a.max = t.ms;
        if (t.ok) a.ok++;
      }
      if (!t.ok) {
        const why = t.why ?? 'failed';
        failures[why] = (failures[why] ?? 0) + 1;
        if (failureTimes.length < 200) {
          failureTimes.push({
            startMs: Math.round(startAt - this.t0),
            atMs: Math.round(doneAt - this.t0),
            why,
          });
        }
      }
    };
    const worker = async (vu: number): Promise<void> => {
      for (let startAt = performance.now(); startAt < end; startAt = performance.now()) {
        this.inFlight++;
        this.started++;
        let t: Txn;
        try {
          t = await this.o.op(vu);
        } catch (e) {
          t = { ok: false, why: e instanceof Error ? e.name : 'threw', ms: 0 };
        }
        this.inFlight--;
        const now = performance.now();
        if (now > last) last = now;
        record(t, startAt, now);
      }
    };
    await Promise.all(Array.from({ length: this.o.users }, (_, vu) => worker(vu)));
    const durationS = Math.max(1e-3, (last - this.t0) / 1000);
    const ws = [...windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([w, a]): WindowStat => {
        const width = Math.min(windowMs, Math.max(1, last - this.t0 - w * windowMs)) / 1000;
        return {
          startS: (w * windowMs) / 1000,
          count: a.count,
          ok: a.ok,
          failed: a.count - a.ok,
          tps: a.ok / width,
          ...summary(a),
        };
      });
    const result: LoadResult = {
      users: this.o.users,
      durationS,
      count: total.count,
      ok: total.ok,
      failed: total.count - total.ok,
      failures,
      failureTimes,
      tps: total.ok / durationS,
      latency: summary(total),
      windows: ws,
    };
    total.hist.destroy();
    for (const a of windows.values()) a.hist.destroy();
    return result;
  }
}

/** Runs a closed-loop load and returns its result. */
export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return new LoadRun(o).run();
}
