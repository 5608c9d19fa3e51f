import type { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parseEhcCode } from '../../protocol/qr/index.js';
import type { LabSystem } from '../start.js';
import type { SoakLoad, SoakScan } from './load.js';
import { SOAK_FAULTS } from './schedule.js';
import { slope } from './stats.js';
import type {
  SoakAssertion,
  SoakFaultClassSummary,
  SoakFaultEvent,
  SoakResult,
  SoakRunOptions,
  SoakSample,
} from './types.js';

export const verdictKey = (v: { verdict: string; reason?: string; degraded: boolean }): string =>
  v.verdict === 'VALID'
    ? v.degraded
      ? 'VALID (degraded)'
      : 'VALID'
    : `${v.verdict} ${v.reason ?? ''}`.trim();

function inWindow(s: SoakScan, from: number | undefined, to: number | undefined): boolean {
  return from !== undefined && to !== undefined && s.sentS >= from && s.sentS < to;
}

/** The assertions and figures of a finished run, from records kept apart from the agent. */
export async function evaluate(
  lab: LabSystem,
  load: SoakLoad,
  o: SoakRunOptions,
  events: readonly SoakFaultEvent[],
  samples: readonly SoakSample[],
  hist: ReturnType<typeof monitorEventLoopDelay>,
  drainS: number,
  startedAt: string,
  unhandled: readonly string[] = [],
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
  const slopeOf = (f: (s: SoakSample) => number): number => slope(mins, warm.map(f));
  const rssSlope = slopeOf((s) => s.rssMb);
  const fdSlope = slopeOf((s) => s.fds);
  const heapSlope = slopeOf((s) => s.heapMb);
  // Anonymous and file-backed RSS, when every sample has them (Linux; rssSplit gives both or none).
  const split = warm.length > 0 && warm.every((s) => s.anonMb !== undefined);
  const anonSlope = split ? slopeOf((s) => s.anonMb!) : undefined;
  const fileSlope = split ? slopeOf((s) => s.fileMb!) : undefined;
  // The memory bound applies to anonymous RSS where it is known: file-backed pages follow the
  // size of mapped files (the central database under mmap grows with its rows), not a leak.
  const memSlope = anonSlope ?? rssSlope;
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
      name: 'no error escaped unhandled (unhandled rejections, uncaught exceptions)',
      ok: unhandled.length === 0,
      value: String(unhandled.length),
      bound: '0',
      ...(unhandled.length > 0 ? { detail: unhandled.slice(0, 3).join(' / ') } : {}),
    },
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
      ok: memSlope <= b.rssMbPerMin,
      value:
        anonSlope === undefined
          ? `${rssSlope.toFixed(2)} MB/min`
          : `anonymous ${anonSlope.toFixed(2)} MB/min (RSS ${rssSlope.toFixed(2)}, file-backed ${fileSlope!.toFixed(2)}, JS heap ${heapSlope.toFixed(2)})`,
      bound: `growth ≤ ${b.rssMbPerMin} MB/min${anonSlope === undefined ? '' : ' (anonymous RSS)'}`,
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
      ...(anonSlope === undefined ? {} : { anonSlopeMbPerMin: anonSlope, fileSlopeMbPerMin: fileSlope! }),
      heapSlopeMbPerMin: heapSlope,
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
