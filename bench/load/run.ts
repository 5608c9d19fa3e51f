import { availableParallelism, cpus, loadavg } from 'node:os';
import { type OpenLoopStats, runOpenLoop } from './open-loop.js';
import { type Judgement, type PhaseStats, runPhase } from './phase.js';
import {
  DEFAULT_KNEE,
  type KneeCriteria,
  meets,
  runSweep,
  type SweepResult,
  type SweepSettings,
} from './sweep.js';
import { type LoadCredentials, LoadWorkload } from './workload.js';

/** Where the load goes: the envelope endpoint, the no-op endpoint, and as whom. */
export interface LoadTarget extends LoadCredentials {
  readonly url: string;
  readonly noopUrl: string;
}

export interface LoadBenchOptions {
  readonly target: LoadTarget;
  /** Measured seconds per operation and per baseline (default 10). */
  readonly durationS: number;
  /** Unrecorded warm-up seconds before each operation (default 1). */
  readonly warmupS: number;
  /** Concurrent users (spec §5.3: 30). */
  readonly connections: number;
  /** Also measure each operation open-loop at this fixed arrival rate (`--rate`). */
  readonly open?: OpenLoopOptions;
  /** Then raise an open-loop rate step by step on one operation and report the knee (`--sweep`). */
  readonly sweep?: SweepOptions;
  readonly onProgress?: (line: string) => void;
  /**
   * Called right before and right after each operation's measured closed-loop phase (`--profile`
   * starts and stops the service's CPU profiler there, so warm-up and pool filling stay out).
   */
  readonly aroundMeasured?: {
    readonly before: (op: OperationName) => Promise<void>;
    readonly after: (op: OperationName) => Promise<void>;
  };
}

export interface OpenLoopOptions {
  /** Offered arrival rate, req/s. */
  readonly rateRps: number;
  /** Keep-alive connections in the client's pool (default 128). */
  readonly connections?: number;
  /** Requests in flight at most; beyond it a request is dropped (a failure; default 1024). */
  readonly maxInFlight?: number;
  /** A send more than this late counts as not on time (default 2 ms). */
  readonly lateAfterMs?: number;
}

export interface SweepOptions extends Omit<SweepSettings, 'criteria'> {
  readonly op: OperationName;
  readonly criteria?: KneeCriteria;
  readonly connections?: number;
  readonly maxInFlight?: number;
  readonly lateAfterMs?: number;
}

export type OperationName = 'register' | 'generate' | 'verify';

export interface OperationResult {
  readonly tps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** 0–1: replies that opened with the success code / all requests. */
  readonly successRate: number;
  readonly requests: number;
  readonly successes: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly elapsedS: number;
  /** The no-op endpoint's TPS, measured right before this operation. */
  readonly baselineTps: number;
  readonly baselineP99Ms: number;
  /** tps / baselineTps: the share of the bare HTTP throughput the operation keeps. */
  readonly ratioToBaseline: number;
  /** Our target on this machine (≥ 3,000 TPS, ≥ 1,500 for register; p99 ≤ 30 ms; 100 %). */
  readonly meetsTarget: boolean;
  /** Spec §5.3: TPS ≥ 30, every transaction ≤ 1 s, 100 % success. */
  readonly meetsSpec: boolean;
}

/** One operation at a fixed arrival rate, with the no-op endpoint at the same rate right before. */
export interface OpenOperationResult extends Omit<OpenLoopStats, 'samplesMs'> {
  readonly baseline: Pick<
    OpenLoopStats,
    'achievedRps' | 'successRate' | 'p50Ms' | 'p99Ms' | 'maxMs' | 'notOnTime'
  >;
  /** p99 ≤ 10 ms and 100 % success at this rate (the sweep's criteria). */
  readonly sustained: boolean;
}

export interface LoadBenchResult {
  /** The closed loop: `connections` users, one request in flight each. */
  readonly operations: Readonly<Record<OperationName, OperationResult>>;
  /** The open loop at `--rate`: the same operations at a fixed arrival rate. */
  readonly openLoop?: {
    readonly rateRps: number;
    readonly durationS: number;
    readonly connections: number;
    readonly maxInFlight: number;
    readonly lateAfterMs: number;
    readonly operations: Readonly<Record<OperationName, OpenOperationResult>>;
  };
  /** The rate sweep (`--sweep`) on one operation. */
  readonly sweep?: SweepResult<Omit<OpenLoopStats, 'samplesMs'>> & {
    readonly op: OperationName;
    readonly settings: SweepSettings;
    /**
     * The no-op endpoint at the rate that failed twice, right after: if it misses the criteria
     * too, the client or the machine (not the operation) set the limit.
     */
    readonly noopAtStop?: Omit<OpenLoopStats, 'samplesMs'>;
  };
  readonly settings: {
    readonly durationS: number;
    readonly warmupS: number;
    readonly connections: number;
    readonly url: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly node: string;
    /** 1-minute load average before and after the run: others' work skews the figures. */
    readonly loadAvgBefore: number;
    readonly loadAvgAfter: number;
    readonly startedAt: string;
  };
  /**
   * Dynamic codes generated (untimed) for verification; `stoppedEarly` if the pool ran low and
   * verification ended before its duration (see `operations.verify.elapsedS`).
   */
  readonly verifyPool: { readonly codes: number; readonly stoppedEarly: boolean };
}

export const TARGETS: Readonly<Record<OperationName, { tps: number; p99Ms: number }>> = {
  register: { tps: 1_500, p99Ms: 30 },
  generate: { tps: 3_000, p99Ms: 30 },
  verify: { tps: 3_000, p99Ms: 30 },
};

function result(op: OperationName, s: PhaseStats, base: PhaseStats): OperationResult {
  const t = TARGETS[op];
  return {
    tps: s.tps,
    p50Ms: s.p50Ms,
    p90Ms: s.p90Ms,
    p95Ms: s.p95Ms,
    p99Ms: s.p99Ms,
    p999Ms: s.p999Ms,
    maxMs: s.maxMs,
    meanMs: s.meanMs,
    successRate: s.successRate,
    requests: s.requests,
    successes: s.successes,
    failures: s.failures,
    elapsedS: s.elapsedS,
    baselineTps: base.tps,
    baselineP99Ms: base.p99Ms,
    ratioToBaseline: base.tps === 0 ? 0 : Number((s.tps / base.tps).toFixed(3)),
    meetsTarget: s.tps >= t.tps && s.p99Ms <= t.p99Ms && s.successRate === 1,
    meetsSpec: s.tps >= 30 && s.maxMs <= 1000 && s.successRate === 1,
  };
}

/**
 * Spec §5.3 load test: registration, dynamic-code generation and verification, each with
 * `connections` concurrent users for `durationS`, each preceded by the no-op baseline on the same
 * server for the same time (so every ratio compares figures measured seconds apart on a shared
 * machine). Registration creates the cards that generation uses; verification uses a pool of
 * fresh dynamic codes generated (untimed) just before it, one code per request.
 */
export async function runLoadBench(o: LoadBenchOptions): Promise<LoadBenchResult> {
  const w = new LoadWorkload(o.target);
  const say = o.onProgress ?? (() => {});
  // Generates (closed loop, untimed) until the pool holds `need` unused codes. Duplicates (the
  // same card twice in one second gives the same code) only shrink a round's yield; a few cards
  // just take a few seconds more. Give up only if nothing new comes for 5 s.
  const fillPool = async (need: number): Promise<void> => {
    let lastProgress = performance.now();
    while (w.poolSize < need) {
      const before = w.poolSize;
      const fill = await runPhase({
        url: o.target.url,
        connections: o.connections,
        amount: need - w.poolSize,
        nextBody: w.generateBody,
        judge: w.judgeGenerate,
      });
      if (w.poolSize > before) lastProgress = performance.now();
      else if (performance.now() - lastProgress > 5_000) {
        const why = Object.entries(fill.failures)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        throw new Error(
          `generation makes no new codes (${why || 'duplicates only'}): cannot fill the verify pool`,
        );
      }
    }
  };
  // One open-loop phase of `op` at `rateRps` for `seconds`: the bodies are sealed before the
  // clock starts; verification first gets exactly as many fresh codes as it will send.
  const bodiesOf = async (op: OperationName | 'noop', n: number): Promise<string[]> => {
    if (op === 'verify') {
      w.dropPool();
      await fillPool(n);
    }
    const next = {
      register: w.registerBody,
      generate: w.generateBody,
      verify: w.verifyBody,
      noop: w.noopBody,
    }[op];
    return Array.from({ length: n }, next);
  };
  const judgeOf = (op: OperationName | 'noop'): ((body: string) => Judgement) =>
    ({ register: w.judgeRegister, generate: w.judgeGenerate, verify: w.judgeVerify, noop: w.judgeNoop })[op];
  const openPhase = async (
    op: OperationName | 'noop',
    rateRps: number,
    seconds: number,
    pool: { connections?: number; maxInFlight?: number; lateAfterMs?: number },
  ): Promise<Omit<OpenLoopStats, 'samplesMs'>> =>
    runOpenLoop({
      url: op === 'noop' ? o.target.noopUrl : o.target.url,
      rateRps,
      bodies: await bodiesOf(op, Math.max(1, Math.round(rateRps * seconds))),
      judge: judgeOf(op),
      ...pool,
    });
  const openRuns: Partial<Record<OperationName, OpenOperationResult>> = {};
  const openAtRate = async (op: OperationName): Promise<void> => {
    if (o.open === undefined) return;
    const rate = o.open.rateRps;
    say(
      `${op} open loop: no-op at ${rate}/s for ${o.durationS} s, then ${op} at ${rate}/s for ${o.durationS} s`,
    );
    const { rateRps: _, ...pool } = o.open;
    const b = await openPhase('noop', rate, o.durationS, pool);
    const s = await openPhase(op, rate, o.durationS, pool);
    openRuns[op] = {
      ...s,
      baseline: {
        achievedRps: b.achievedRps,
        successRate: b.successRate,
        p50Ms: b.p50Ms,
        p99Ms: b.p99Ms,
        maxMs: b.maxMs,
        notOnTime: b.notOnTime,
      },
      sustained: meets(s, DEFAULT_KNEE),
    };
  };
  const loadAvgBefore = loadavg()[0] ?? 0;
  const startedAt = new Date().toISOString();
  const timed = (
    url: string,
    nextBody: () => string,
    judge: (body: string) => Judgement,
    durationS: number,
  ) => runPhase({ url, connections: o.connections, durationS, nextBody, judge });
  const baseline = async (before: string): Promise<PhaseStats> => {
    say(`baseline (no-op) before ${before}: ${o.durationS} s`);
    return timed(o.target.noopUrl, w.noopBody, w.judgeNoop, o.durationS);
  };

  const baseRegister = await baseline('register');
  say(`register: ${o.warmupS} s warm-up, ${o.durationS} s measured`);
  if (o.warmupS > 0) await timed(o.target.url, w.registerBody, w.judgeRegister, o.warmupS);
  const measured = async <T>(op: OperationName, run: () => Promise<T>): Promise<T> => {
    await o.aroundMeasured?.before(op);
    try {
      return await run();
    } finally {
      await o.aroundMeasured?.after(op);
    }
  };
  const register = await measured('register', () =>
    timed(o.target.url, w.registerBody, w.judgeRegister, o.durationS),
  );
  if (w.cards.length === 0) throw new Error('registration produced no cards: cannot generate codes');
  await openAtRate('register');

  const baseGenerate = await baseline('generate');
  say(`generate: ${o.warmupS} s warm-up, ${o.durationS} s measured (${w.cards.length} cards)`);
  if (o.warmupS > 0) await timed(o.target.url, w.generateBody, w.judgeGenerate, o.warmupS);
  const generate = await measured('generate', () =>
    timed(o.target.url, w.generateBody, w.judgeGenerate, o.durationS),
  );
  await openAtRate('generate');

  const baseVerify = await baseline('verify');
  // Fresh codes for verification, one per request: twice what generation managed in the same
  // time (verification may run faster). Should the pool still run low, the phase ends early
  // (its TPS is over the time it ran) rather than send a used code.
  w.dropPool();
  // On a slow or busy machine that could take longer than the codes live (60 s by default), and
  // every verify would then meet an expired code: the pool is capped at ~20 s of generation.
  const need = Math.max(
    4 * o.connections,
    Math.min(
      Math.ceil(Math.max(generate.tps, 1500) * (o.durationS + o.warmupS) * 2),
      Math.ceil(generate.tps * 20),
    ),
  );
  say(`verify: generating a pool of ${need} dynamic codes (untimed)`);
  await fillPool(need);
  const poolCodes = w.poolSize;
  say(`verify: ${o.warmupS} s warm-up, ${o.durationS} s measured`);
  const verifyPhase = (durationS: number) =>
    runPhase({
      url: o.target.url,
      connections: o.connections,
      durationS,
      nextBody: w.verifyBody,
      judge: w.judgeVerify,
      stopWhen: () => w.poolSize < 2 * o.connections,
    });
  if (o.warmupS > 0) await verifyPhase(o.warmupS);
  const verify = await measured('verify', () => verifyPhase(o.durationS));
  await openAtRate('verify');

  let sweep: LoadBenchResult['sweep'];
  if (o.sweep !== undefined) {
    const sw = o.sweep;
    const settings: SweepSettings = {
      startRps: sw.startRps,
      factor: sw.factor,
      stepRps: sw.stepRps,
      maxRps: sw.maxRps,
      stepS: sw.stepS,
      criteria: sw.criteria ?? DEFAULT_KNEE,
    };
    const c = settings.criteria;
    const pool = {
      ...(sw.connections === undefined ? {} : { connections: sw.connections }),
      ...(sw.maxInFlight === undefined ? {} : { maxInFlight: sw.maxInFlight }),
      ...(sw.lateAfterMs === undefined ? {} : { lateAfterMs: sw.lateAfterMs }),
    };
    const r = await runSweep(settings, async (rate, attempt) => {
      const s = await openPhase(sw.op, rate, settings.stepS, pool);
      say(
        `sweep ${sw.op} ${rate}/s${attempt > 1 ? ' (retry)' : ''}: achieved ${s.achievedRps}/s, p99 ${s.p99Ms} ms, max ${s.maxMs} ms, success ${(s.successRate * 100).toFixed(2)} %, not on time ${s.notOnTime} → ${meets(s, c) ? 'ok' : 'over'}`,
      );
      return s;
    });
    const stop = r.stoppedBy === 'failed-twice' ? r.steps.at(-1) : undefined;
    let noopAtStop: Omit<OpenLoopStats, 'samplesMs'> | undefined;
    if (stop !== undefined) {
      noopAtStop = await openPhase('noop', stop.rateRps, settings.stepS, pool);
      say(
        `sweep control: no-op at ${stop.rateRps}/s: p99 ${noopAtStop.p99Ms} ms, not on time ${noopAtStop.notOnTime} → ${meets(noopAtStop, c) ? 'ok (the operation set the limit)' : 'over too (the client or the machine set the limit)'}`,
      );
    }
    sweep = { op: sw.op, settings, ...r, ...(noopAtStop === undefined ? {} : { noopAtStop }) };
  }

  return {
    operations: {
      register: result('register', register, baseRegister),
      generate: result('generate', generate, baseGenerate),
      verify: result('verify', verify, baseVerify),
    },
    settings: {
      durationS: o.durationS,
      warmupS: o.warmupS,
      connections: o.connections,
      url: o.target.url,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAvgBefore: Number(loadAvgBefore.toFixed(2)),
      loadAvgAfter: Number((loadavg()[0] ?? 0).toFixed(2)),
      startedAt,
    },
    verifyPool: {
      codes: poolCodes,
      stoppedEarly: verify.elapsedS < o.durationS * 0.95,
    },
    ...(o.open === undefined
      ? {}
      : {
          openLoop: {
            rateRps: o.open.rateRps,
            durationS: o.durationS,
            connections: o.open.connections ?? 128,
            maxInFlight: o.open.maxInFlight ?? 1024,
            lateAfterMs: o.open.lateAfterMs ?? 2,
            operations: openRuns as Record<OperationName, OpenOperationResult>,
          },
        }),
    ...(sweep === undefined ? {} : { sweep }),
  };
}
