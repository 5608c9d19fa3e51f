import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parseEhcCode } from '../../protocol/qr/index.js';
import type { LabFaultName, LabSpec } from '../spec.js';
import { type LabSystem, startLab } from '../start.js';
import { SoakLoad, type SoakScan, sleep } from './load.js';
import {
  planFaults,
  SOAK_FAULTS,
  type SoakFaultName,
  type SoakPlannedFault,
  type SoakSchedule,
} from './schedule.js';
import { percentile, slope } from './stats.js';

/** The lab fault that produces each soak fault. */
export const LAB_FAULT_OF: Readonly<Record<SoakFaultName, LabFaultName>> = {
  'scanner-unplug': 'scanner-unplug',
  'cipher-machine-kill': 'cipher-machine-kill',
  'central-latency': 'central-latency',
  'central-down': 'central-primary',
  'outbox-disk-full': 'outbox-disk-full',
  'clock-jump': 'clock-jump',
  'half-open-tcp': 'cipher-machine-link-half-open',
};

export interface SoakRunOptions {
  readonly schedule: SoakSchedule;
  readonly durationS: number;
  /** A progress line, at most every `progressEveryS` (default 10). */
  readonly progress?: (line: string) => void;
  readonly progressEveryS?: number;
  /** How long to wait after the load for verdicts and the outbox to drain (default 90 s). */
  readonly drainTimeoutS?: number;
  /** Each fault class must fire at least this often (default 1). */
  readonly minFiresPerClass?: number;
}

/** One executed injection, times in seconds from the start of the load (monotonic). */
export interface SoakFaultEvent extends SoakPlannedFault {
  injectedS?: number;
  /** The fault is fully in place (e.g. the process reaped). */
  inPlaceS?: number;
  clearingS?: number;
  clearedS?: number;
  evidence: string[];
  error?: string;
}

export interface SoakSample {
  readonly tS: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly fds: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Verdicts in the last interval, per second. */
  readonly tps: number;
  /** Scan → verdict in the harness (terminal link included), over the interval. */
  readonly latP50Ms: number;
  readonly latP99Ms: number;
  readonly faults: readonly SoakFaultName[];
}

export interface SoakAssertion {
  readonly name: string;
  readonly ok: boolean;
  readonly value: string;
  readonly bound: string;
  readonly detail?: string;
}

export interface SoakFaultClassSummary {
  readonly fault: SoakFaultName;
  readonly planned: number;
  readonly survived: number;
  readonly errors: number;
  /** Verdicts of scans sent while the fault was in place. */
  readonly scansDuring: number;
  readonly verdictsDuring: Readonly<Record<string, number>>;
}

export interface SoakResult {
  readonly startedAt: string;
  readonly durationS: number;
  readonly schedule: SoakSchedule;
  readonly ok: boolean;
  readonly assertions: readonly SoakAssertion[];
  readonly scans: {
    readonly sent: number;
    readonly answered: number;
    readonly lost: number;
    readonly verdicts: Readonly<Record<string, number>>;
    readonly extraVerdicts: number;
    readonly unattributed: number;
    readonly starved: number;
    readonly generateFailures: number;
    readonly acceptedTwice: number;
    readonly acceptedWhileDown: number;
    /** Refused at the terminal, yet claimed at the central service (code used up, no use). */
    readonly refusedButClaimedAtCentral: number;
  };
  readonly outbox: {
    readonly accepted: number;
    readonly delivered: number;
    readonly missing: number;
    readonly phantom: number;
    readonly drainS: number;
    readonly agentCounts: Readonly<Record<string, number>>;
  };
  readonly centralUsedCodesOverOne: number;
  readonly resources: {
    readonly warmupS: number;
    readonly rssSlopeMbPerMin: number;
    readonly fdSlopePerMin: number;
    readonly rssStartMb: number;
    readonly rssEndMb: number;
    readonly rssPeakMb: number;
    readonly fdsStart: number;
    readonly fdsEnd: number;
    readonly fdsPeak: number;
  };
  readonly eventLoop: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly faultClasses: readonly SoakFaultClassSummary[];
  readonly faultEvents: readonly SoakFaultEvent[];
  readonly samples: readonly SoakSample[];
}

const fdCount = (): number => {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
};

const verdictKey = (v: { verdict: string; reason?: string; degraded: boolean }): string =>
  v.verdict === 'VALID'
    ? v.degraded
      ? 'VALID (degraded)'
      : 'VALID'
    : `${v.verdict} ${v.reason ?? ''}`.trim();

const fmtClock = (s: number): string => {
  const x = Math.max(0, Math.round(s));
  return `${String(Math.floor(x / 3600)).padStart(2, '0')}:${String(Math.floor((x % 3600) / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
};

/** The lab the soak runs: every piece real, on loopback. */
export function soakLabSpec(schedule: SoakSchedule): LabSpec {
  const faults = [...new Set(schedule.faults.map((f) => LAB_FAULT_OF[f.fault]))];
  return {
    hsm: { process: true, links: true },
    central: { db: 'file', relay: true, hsmTimeoutMs: 300 },
    monitoring: true,
    clock: 'movable',
    terminals: Array.from({ length: schedule.load.terminals }, (_, i) => ({
      id: `t${i + 1}`,
      terminalCode: `SOAK-T${i + 1}`,
      channelCode: '02' as const,
    })),
    agents: [
      {
        storage: 'file',
        verifyMode: 'chain',
        dedupeWindowMs: 0,
        hsmTimeoutMs: 300,
        movableScanClock: true,
        outbox: { batchSize: 50, baseBackoffMs: 100, maxBackoffMs: 2000 },
      },
    ],
    faults,
  };
}

/**
 * `ehc soak`: the embedded system (agent with virtual scanners, cipher machine in its own
 * process behind a link relay, central service on a SQLite file behind a relay, monitoring app)
 * under steady scan load while the schedule injects faults; then the assertions, from records
 * kept apart from the agent: the load generator's sent list and the verdict feed, the fault
 * intervals, and the central service's database (used codes, card-use records).
 */
export async function runSoak(o: SoakRunOptions): Promise<SoakResult> {
  const { schedule, durationS } = o;
  const startedAt = new Date().toISOString();
  const lab = await startLab(soakLabSpec(schedule));
  const histAll = monitorEventLoopDelay({ resolution: 5 });
  const histTick = monitorEventLoopDelay({ resolution: 5 });
  const timers: NodeJS.Timeout[] = [];
  try {
    const terminals = [...lab.terminals.keys()];
    const t0 = performance.now();
    const load = new SoakLoad(lab, terminals, { ...schedule.load, t0 });
    await load.prepare();
    const nowS = (): number => (performance.now() - t0) / 1000;
    const plan = planFaults(schedule, durationS);
    const events: SoakFaultEvent[] = plan.map((p) => ({ ...p, evidence: [] }));
    const active = new Set<SoakFaultEvent>();
    const pending: Promise<void>[] = [];

    histAll.enable();
    histTick.enable();
    const runFault = async (e: SoakFaultEvent): Promise<void> => {
      const lf = LAB_FAULT_OF[e.fault];
      try {
        e.injectedS = nowS();
        active.add(e);
        e.evidence.push(
          await lab.faults.inject(lf, {
            ...(e.ms === undefined ? {} : { ms: e.ms }),
            ...(e.target === undefined ? {} : { target: e.target }),
          }),
        );
        e.inPlaceS = nowS();
        const rest = e.untilS - nowS();
        if (rest > 0) await sleep(rest * 1000);
        e.clearingS = nowS();
        e.evidence.push(await lab.faults.clear(lf));
        e.clearedS = nowS();
      } catch (err) {
        e.error = err instanceof Error ? err.message : String(err);
        await lab.faults.clear(lf).catch(() => undefined);
        e.clearedS ??= nowS();
      } finally {
        active.delete(e);
      }
    };

    const samples: SoakSample[] = [];
    let lastIdx = 0;
    let lastTick = nowS();
    const sample = (): void => {
      const t = nowS();
      const dt = Math.max(0.001, t - lastTick);
      lastTick = t;
      const lat: number[] = [];
      let verdicts = 0;
      // verdicts whose first answer arrived in (t - dt, t]
      for (let i = lastIdx; i < load.sent.length; i++) {
        const s = load.sent[i]!;
        const v = s.verdicts[0];
        if (v && v.atS > t - dt && v.atS <= t) {
          verdicts++;
          lat.push((v.atS - s.sentS) * 1000);
        }
      }
      while (
        lastIdx < load.sent.length &&
        (load.sent[lastIdx]!.verdicts.length > 0 || load.sent[lastIdx]!.sentS < t - 30)
      )
        lastIdx++;
      const m = process.memoryUsage();
      samples.push({
        tS: t,
        rssMb: m.rss / 2 ** 20,
        heapMb: m.heapUsed / 2 ** 20,
        fds: fdCount(),
        lagP99Ms: histTick.percentile(99) / 1e6,
        lagMaxMs: histTick.max / 1e6,
        tps: verdicts / dt,
        latP50Ms: percentile(lat, 50),
        latP99Ms: percentile(lat, 99),
        faults: [...new Set([...active].map((e) => e.fault))],
      });
      histTick.reset();
    };
    let lastProgress = -Infinity;
    const progressEvery = o.progressEveryS ?? 10;
    const progress = (force = false): void => {
      const t = nowS();
      if (!o.progress || (!force && t - lastProgress < progressEvery)) return;
      lastProgress = t;
      const s = samples.at(-1);
      const valid = load.sent.filter((x) => x.verdicts.some((v) => v.verdict === 'VALID')).length;
      o.progress(
        `soak ${fmtClock(t)} / ${fmtClock(durationS)}  scans ${load.sent.length}  valid ${valid}  waiting ${load.unanswered}` +
          `  rss ${s ? s.rssMb.toFixed(0) : '?'} MB  fds ${s?.fds ?? '?'}  lag p99 ${s ? s.lagP99Ms.toFixed(1) : '?'} ms` +
          `  faults ${s && s.faults.length > 0 ? s.faults.join(',') : '-'}`,
      );
    };

    load.start();
    for (const e of events)
      timers.push(setTimeout(() => pending.push(runFault(e)), Math.max(0, e.atS - nowS()) * 1000));
    while (nowS() < durationS) {
      await sleep(Math.min(1000, Math.max(1, (durationS - nowS()) * 1000)));
      sample();
      progress();
    }
    await load.stop();
    for (const t of timers) clearTimeout(t);
    await Promise.all(pending);
    for (const f of lab.faults.injected) await lab.faults.clear(f).catch(() => undefined);

    // Recovery: every scan answered, the outbox empty (or the drain bound reached).
    const drainStart = nowS();
    const drainLimit = o.drainTimeoutS ?? 90;
    const agent = lab.agentOf(terminals[0]!).agent;
    while (nowS() - drainStart < drainLimit) {
      const c = agent.outbox.counts();
      if (load.unanswered === 0 && c.pending === 0) break;
      await sleep(250);
      if (nowS() - lastTick >= 1) sample();
    }
    const drainS = nowS() - drainStart;
    progress(true);
    load.detach();
    histAll.disable();
    histTick.disable();
    return await evaluate(lab, load, o, events, samples, histAll, drainS, startedAt);
  } finally {
    for (const t of timers) clearTimeout(t);
    histAll.disable();
    histTick.disable();
    await lab.stop();
  }
}

function inWindow(s: SoakScan, from: number | undefined, to: number | undefined): boolean {
  return from !== undefined && to !== undefined && s.sentS >= from && s.sentS < to;
}

async function evaluate(
  lab: LabSystem,
  load: SoakLoad,
  o: SoakRunOptions,
  events: readonly SoakFaultEvent[],
  samples: readonly SoakSample[],
  hist: ReturnType<typeof monitorEventLoopDelay>,
  drainS: number,
  startedAt: string,
): Promise<SoakResult> {
  const { schedule } = o;
  const sent = load.sent;
  const verdicts: Record<string, number> = {};
  let extra = 0;
  const validByCode = new Map<string, number>();
  const validIds = new Set<string>();
  for (const s of sent) {
    for (const v of s.verdicts) {
      verdicts[verdictKey(v)] = (verdicts[verdictKey(v)] ?? 0) + 1;
      if (v.verdict === 'VALID') {
        validByCode.set(s.code, (validByCode.get(s.code) ?? 0) + 1);
        validIds.add(v.id);
      }
    }
    if (s.verdicts.length > 1) extra += s.verdicts.length - 1;
  }
  const lost = sent.filter((s) => s.verdicts.length === 0);
  const acceptedTwice = [...validByCode.values()].filter((n) => n > 1).length;

  // The machine was dead (killed → restart started) or unreachable (half-open) for a scan sent
  // inside the window whose VALID verdict also arrived inside it.
  const outages = events.filter((e) => e.fault === 'cipher-machine-kill' || e.fault === 'half-open-tcp');
  let acceptedWhileDown = 0;
  for (const e of outages) {
    const to = e.clearingS;
    for (const s of sent)
      if (inWindow(s, e.inPlaceS, to) && s.verdicts.some((v) => v.verdict === 'VALID' && v.atS < to!))
        acceptedWhileDown++;
  }

  // The central service's database: what it claimed and what the outbox delivered.
  const db = new Database(lab.central!.db, { readonly: true, fileMustExist: true });
  let records: { record_id: string }[];
  let usedOverOne: number;
  const claimed = new Set<string>();
  try {
    records = db.prepare('SELECT record_id FROM use_records').all() as { record_id: string }[];
    usedOverOne = (db.prepare('SELECT COUNT(*) AS n FROM used_codes WHERE uses > 1').get() as { n: number })
      .n;
    const rows = db.prepare('SELECT ehc_id, validity FROM used_codes').all() as {
      ehc_id: string;
      validity: string;
    }[];
    for (const r of rows) claimed.add(`${r.ehc_id}:${r.validity}`.toUpperCase());
  } finally {
    db.close();
  }
  // Refused at the terminal but claimed (used up) at the central service: the patient needs a new code.
  let burnt = 0;
  for (const s of sent) {
    if (s.verdicts.some((v) => v.verdict === 'VALID')) continue;
    const p = parseEhcCode(s.code);
    if (p.ok && p.value.validity && claimed.has(`${p.value.ehcId}:${p.value.validity}`.toUpperCase()))
      burnt++;
  }
  const recordIds = new Map<string, number>();
  for (const r of records) recordIds.set(r.record_id, (recordIds.get(r.record_id) ?? 0) + 1);
  const missing = [...validIds].filter((id) => !recordIds.has(id)).length;
  const phantom = [...recordIds.keys()].filter((id) => !validIds.has(id)).length;
  const twiceStored = [...recordIds.values()].filter((n) => n > 1).length;
  const agentCounts = { ...lab.agentOf('t1').agent.outbox.counts() };

  // Resources after warm-up.
  // under load only: the recovery after it (no scans) would pull the slope down
  const warm = samples.filter((s) => s.tS >= schedule.warmupS && s.tS <= o.durationS);
  const mins = warm.map((s) => s.tS / 60);
  const rssSlope = slope(
    mins,
    warm.map((s) => s.rssMb),
  );
  const fdSlope = slope(
    mins,
    warm.map((s) => s.fds),
  );
  const first = warm[0] ?? samples[0];
  const lastS = samples.at(-1);

  const classes: SoakFaultClassSummary[] = SOAK_FAULTS.filter((f) =>
    schedule.faults.some((l) => l.fault === f),
  ).map((f) => {
    const mine = events.filter((e) => e.fault === f);
    const during = sent.filter((s) => mine.some((e) => inWindow(s, e.inPlaceS, e.clearingS)));
    const vd: Record<string, number> = {};
    for (const s of during) {
      const v = s.verdicts[0];
      const k = v ? verdictKey(v) : 'no verdict';
      vd[k] = (vd[k] ?? 0) + 1;
    }
    return {
      fault: f,
      planned: mine.length,
      survived: mine.filter((e) => e.clearedS !== undefined && e.error === undefined).length,
      errors: mine.filter((e) => e.error !== undefined).length,
      scansDuring: during.length,
      verdictsDuring: vd,
    };
  });

  const minFires = o.minFiresPerClass ?? 1;
  const b = schedule.bounds;
  const assertions: SoakAssertion[] = [
    {
      name: 'every fault class fired and was cleared without error',
      ok: classes.every((c) => c.survived >= minFires && c.errors === 0),
      value: classes.map((c) => `${c.fault} ${c.survived}/${c.planned}`).join(', '),
      bound: `≥ ${minFires} each, 0 errors`,
      ...(events.some((e) => e.error) ? { detail: events.find((e) => e.error)!.error! } : {}),
    },
    {
      name: 'codes accepted while the cipher machine was killed or unreachable',
      ok: acceptedWhileDown === 0,
      value: String(acceptedWhileDown),
      bound: '0',
      detail: `${sent.filter((s) => outages.some((e) => inWindow(s, e.inPlaceS, e.clearingS))).length} scans sent in those windows`,
    },
    {
      name: 'codes accepted twice (verdict feed; central used_codes.uses > 1)',
      ok: acceptedTwice === 0 && usedOverOne === 0,
      value: `${acceptedTwice}; ${usedOverOne}`,
      bound: '0; 0',
    },
    {
      name: 'scans lost (sent by the terminal, no verdict)',
      ok: lost.length === 0 && load.unattributed === 0,
      value: `${lost.length} (unattributed verdicts ${load.unattributed})`,
      bound: '0',
      ...(lost.length > 0
        ? {
            detail: `first lost: scan ${lost[0]!.n} on ${lost[0]!.terminal} at ${lost[0]!.sentS.toFixed(1)} s`,
          }
        : {}),
    },
    {
      name: 'outbox delivered every accepted use exactly once (central use_records)',
      ok: missing === 0 && phantom === 0 && twiceStored === 0,
      value: `${validIds.size} accepted, ${records.length} stored, ${missing} missing, ${phantom} unknown, ${twiceStored} twice`,
      bound: 'missing 0, unknown 0, twice 0',
    },
    {
      name: 'RSS slope after warm-up',
      ok: rssSlope <= b.rssMbPerMin,
      value: `${rssSlope.toFixed(2)} MB/min`,
      bound: `growth ≤ ${b.rssMbPerMin} MB/min`,
    },
    {
      name: 'open file descriptors slope after warm-up',
      ok: fdSlope <= b.fdPerMin,
      value: `${fdSlope.toFixed(2)} /min`,
      bound: `growth ≤ ${b.fdPerMin} /min`,
    },
  ];

  return {
    startedAt,
    durationS: o.durationS,
    schedule,
    ok: assertions.every((a) => a.ok),
    assertions,
    scans: {
      sent: sent.length,
      answered: sent.length - lost.length,
      lost: lost.length,
      verdicts,
      extraVerdicts: extra,
      unattributed: load.unattributed,
      starved: load.starved,
      generateFailures: load.generateFailures,
      acceptedTwice,
      acceptedWhileDown,
      refusedButClaimedAtCentral: burnt,
    },
    outbox: {
      accepted: validIds.size,
      delivered: records.length,
      missing,
      phantom,
      drainS,
      agentCounts,
    },
    centralUsedCodesOverOne: usedOverOne,
    resources: {
      warmupS: schedule.warmupS,
      rssSlopeMbPerMin: rssSlope,
      fdSlopePerMin: fdSlope,
      rssStartMb: first?.rssMb ?? 0,
      rssEndMb: lastS?.rssMb ?? 0,
      rssPeakMb: Math.max(0, ...samples.map((s) => s.rssMb)),
      fdsStart: first?.fds ?? 0,
      fdsEnd: lastS?.fds ?? 0,
      fdsPeak: Math.max(0, ...samples.map((s) => s.fds)),
    },
    eventLoop: { p50Ms: hist.percentile(50) / 1e6, p99Ms: hist.percentile(99) / 1e6, maxMs: hist.max / 1e6 },
    faultClasses: classes,
    faultEvents: events,
    samples,
  };
}
