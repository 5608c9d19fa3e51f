import type { VerdictEvent } from '../../agent/types.js';
import { type Summary, summarize } from '../common/samples.js';

/**
 * The agent's own time per scan: total − transport − Σ peer round trips, all three measured
 * inside the same scan on one monotonic clock (`process.hrtime`). Percentiles are taken over
 * these per-scan values — never by subtracting percentiles of separate runs, which do not
 * subtract.
 */
export interface ScanTimingRecord {
  /** First byte at the agent → verdict dispatched (the pipeline's `total` stage). */
  readonly totalMs?: number | undefined;
  /** First byte at the agent → scan decoded and handed to the pipeline (`transport` stage). */
  readonly transportMs?: number | undefined;
  /** Each peer round trip the scan waited for (socket write → reply arrival). */
  readonly peerRoundTripsMs?: readonly number[] | undefined;
}

export type TimingPart = 'total' | 'transport' | 'peerRoundTrips';

export interface IncompleteScan {
  /** Position of the record in the input. */
  readonly index: number;
  readonly missing: readonly TimingPart[];
}

export interface ScanOverheads {
  /** Overhead of each complete record, in input order (ms, unrounded). */
  readonly overheadsMs: readonly number[];
  /** Σ peer round trips of each complete record, in the same order. */
  readonly peerMs: readonly number[];
  /** Records that lack a part: reported, never silently left out. */
  readonly incomplete: readonly IncompleteScan[];
}

const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function scanOverheads(records: readonly ScanTimingRecord[]): ScanOverheads {
  const overheadsMs: number[] = [];
  const peerMs: number[] = [];
  const incomplete: IncompleteScan[] = [];
  records.forEach((r, index) => {
    const { totalMs: total, transportMs: transport, peerRoundTripsMs: peers } = r;
    const peersOk = peers?.every(finite) === true;
    if (finite(total) && finite(transport) && peers !== undefined && peersOk) {
      const peer = peers.reduce((a, b) => a + b, 0);
      peerMs.push(peer);
      overheadsMs.push(total - transport - peer);
      return;
    }
    const missing: TimingPart[] = [];
    if (!finite(total)) missing.push('total');
    if (!finite(transport)) missing.push('transport');
    if (!peersOk) missing.push('peerRoundTrips');
    incomplete.push({ index, missing });
  });
  return { overheadsMs, peerMs, incomplete };
}

/**
 * A scan's timing record from its verdict event. Peer time that was not timed counts as missing
 * rather than as zero (which would book a peer's time to the agent): a cipher-machine verdict
 * (`by: 'hsm'`) needs a timed cipher-machine round trip, and any verdict the central service took
 * part in (central, chain, static lookup, a degraded local VALID) has an untimed peer — the
 * central client does not time its calls yet.
 */
export function timingOfEvent(e: VerdictEvent): ScanTimingRecord {
  const trips = e.peerRoundTripsMs;
  const v = e.verdict;
  const centralAsked =
    v.by === 'central' || v.by === 'chain' || v.by === 'static' || (v.verdict === 'VALID' && !!v.degraded);
  const hsmUntimed = v.by === 'hsm' && !(trips ?? []).some((t) => t.peer === 'hsm');
  const usable = trips !== undefined && !centralAsked && !hsmUntimed;
  return {
    totalMs: e.stagesMs.total,
    transportMs: e.stagesMs.transport,
    peerRoundTripsMs: usable ? trips.map((t) => t.ms) : undefined,
  };
}

export interface OverheadRow extends Summary {
  readonly minMs: number;
  /** Per-scan values below zero (none are expected: one clock, nested intervals). */
  readonly negative: number;
  /** How many records lacked a part, and the first few of them. */
  readonly incomplete: number;
  readonly incompleteScans: readonly IncompleteScan[];
}

/** The report's overhead row: exact (nearest-rank) percentiles of the per-scan values. */
export function overheadRow(o: ScanOverheads): OverheadRow {
  const min = o.overheadsMs.length === 0 ? 0 : Math.min(...o.overheadsMs);
  return {
    ...summarize(o.overheadsMs),
    minMs: Math.round(min * 1000) / 1000,
    negative: o.overheadsMs.filter((v) => v < 0).length,
    incomplete: o.incomplete.length,
    incompleteScans: o.incomplete.slice(0, 10),
  };
}
