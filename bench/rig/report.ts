/**
 * The rig report's numbers: per code, the instants of one shown code on the rig's clock (Node's
 * `performance.timeOrigin + performance.now()`, the page's paint instant moved onto it by the
 * calibrated offset), the stage differences computed per code, and exact percentiles of those
 * per-code values (nearest rank over the sorted values, so p99 ≤ max always).
 */
import { nearestRank } from '../common/samples.js';

export type RigStage = 'frame' | 'decode' | 'verify' | 'feedback' | 'total';

/** painted → first frame → decoded → verdict → feedback; `total` is painted → verdict. */
export const RIG_STAGES: readonly {
  readonly stage: RigStage;
  readonly from: keyof CodeTimes;
  readonly to: keyof CodeTimes;
  readonly label: string;
}[] = [
  { stage: 'frame', from: 'paintedAt', to: 'firstFrameAt', label: 'painted → first frame containing it' },
  { stage: 'decode', from: 'firstFrameAt', to: 'decodedAt', label: 'first frame → decoded' },
  { stage: 'verify', from: 'decodedAt', to: 'verdictAt', label: 'decoded → agent verdict' },
  { stage: 'feedback', from: 'verdictAt', to: 'feedbackAt', label: 'verdict → scanner feedback' },
  { stage: 'total', from: 'paintedAt', to: 'verdictAt', label: 'display → verdict' },
];

/** Instants of one code, ms on the rig's clock; absent = did not happen (or is not observable). */
export interface CodeTimes {
  readonly paintedAt?: number;
  readonly firstFrameAt?: number;
  readonly decodedAt?: number;
  readonly verdictAt?: number;
  readonly feedbackAt?: number;
}

export interface CodeRecord extends CodeTimes {
  readonly displayId: number;
  /** Frames captured that showed this code, up to and including the one it was read from (all when unread). */
  readonly frames: number;
  readonly verdict?: string;
  /** The reader returned a text that is not this code (it is not reported to the agent as this code). */
  readonly misreads: number;
}

export interface StageSummary {
  readonly stage: RigStage;
  readonly label: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly minMs: number;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Stage `s` of one code, ms, or undefined when either end is missing. */
export function stageMs(c: CodeTimes, s: RigStage): number | undefined {
  const def = RIG_STAGES.find((x) => x.stage === s)!;
  const a = c[def.from];
  const b = c[def.to];
  return a === undefined || b === undefined ? undefined : b - a;
}

export function summarizeStage(records: readonly CodeTimes[], s: RigStage): StageSummary {
  const values = records.flatMap((c) => {
    const v = stageMs(c, s);
    return v === undefined ? [] : [v];
  });
  const sorted = values.sort((a, b) => a - b);
  const def = RIG_STAGES.find((x) => x.stage === s)!;
  return {
    stage: s,
    label: def.label,
    n: sorted.length,
    p50Ms: r3(nearestRank(sorted, 0.5)),
    p99Ms: r3(nearestRank(sorted, 0.99)),
    maxMs: r3(sorted.at(-1) ?? 0),
    minMs: r3(sorted[0] ?? 0),
  };
}

export interface RigCounts {
  readonly shown: number;
  /** Codes whose own text the reader returned. */
  readonly read: number;
  readonly verdicts: number;
  readonly valid: number;
  /** Reads that returned a text other than the code shown. */
  readonly misreads: number;
  /** Shown but no verdict. */
  readonly missed: number;
  /** Frames captured while a code was shown, in all. */
  readonly frames: number;
}

export function countCodes(records: readonly CodeRecord[]): RigCounts {
  const shown = records.filter((c) => c.paintedAt !== undefined);
  return {
    shown: shown.length,
    read: shown.filter((c) => c.decodedAt !== undefined).length,
    verdicts: shown.filter((c) => c.verdict !== undefined).length,
    valid: shown.filter((c) => c.verdict === 'VALID').length,
    misreads: records.reduce((a, c) => a + c.misreads, 0),
    missed: shown.filter((c) => c.verdict === undefined).length,
    frames: records.reduce((a, c) => a + c.frames, 0),
  };
}

/** Clock calibration sample: page time before, rig time, page time after (one round trip). */
export interface ClockSample {
  readonly pageBefore: number;
  readonly rig: number;
  readonly pageAfter: number;
}

export interface ClockOffset {
  /** rig clock − page clock, ms. */
  readonly offsetMs: number;
  /** Half the shortest round trip: the offset is right to within ± this. */
  readonly uncertaintyMs: number;
  readonly samples: number;
}

/**
 * The offset from the round trip with the shortest time (the least queueing): the rig's reading
 * lies between the page's two readings, so the offset is exact to within half that round trip.
 */
export function calibrate(samples: readonly ClockSample[]): ClockOffset | undefined {
  let best: ClockSample | undefined;
  for (const s of samples) {
    if (!(s.pageAfter >= s.pageBefore)) continue;
    if (!best || s.pageAfter - s.pageBefore < best.pageAfter - best.pageBefore) best = s;
  }
  if (!best) return undefined;
  const mid = (best.pageBefore + best.pageAfter) / 2;
  return {
    offsetMs: r3(best.rig - mid),
    uncertaintyMs: r3((best.pageAfter - best.pageBefore) / 2),
    samples: samples.length,
  };
}
