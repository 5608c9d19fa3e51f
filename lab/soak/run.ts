import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LabFaultName, LabSpec } from '../spec.js';
import { startLab } from '../start.js';
import { evaluate } from './evaluate.js';
import { SoakLoad, sleep } from './load.js';
import { planFaults, type SoakFaultName, type SoakSchedule } from './schedule.js';
import { percentile } from './stats.js';
import type { SoakFaultEvent, SoakResult, SoakRunOptions, SoakSample } from './types.js';

export type * from './types.js';

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

export type * from './types.js';

const fdCount = (): number => {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
};

/**
 * The process's resident memory split as the kernel counts it (`/proc/self/status`, MB):
 * anonymous pages (JS heap, native allocations — where a leak shows) and file-backed pages
 * (mapped files: SQLite's `mmap_size` window on the central database grows with the file, not
 * with a leak). `undefined` where there is no /proc.
 */
const rssSplit = (): { readonly anonMb: number; readonly fileMb: number } | undefined => {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string): number | undefined => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m === null ? undefined : Number(m[1]);
    };
    const anon = kb('RssAnon');
    const file = kb('RssFile');
    return anon === undefined || file === undefined
      ? undefined
      : { anonMb: anon / 1024, fileMb: file / 1024 };
  } catch {
    return undefined;
  }
};

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
  // An error nobody handled would end the process (and the run) with no report: record it as
  // a failed assertion instead.
  const unhandled: string[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const lab = await startLab(soakLabSpec(schedule)).catch((e: unknown) => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    throw e;
  });
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
      const split = rssSplit();
      samples.push({
        tS: t,
        rssMb: m.rss / 2 ** 20,
        ...(split === undefined ? {} : split),
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
    return await evaluate(lab, load, o, events, samples, histAll, drainS, startedAt, unhandled);
  } finally {
    for (const t of timers) clearTimeout(t);
    histAll.disable();
    histTick.disable();
    await lab.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
}
