import { describe, expect, it } from 'vitest';
import type { VerdictEvent } from '../../agent/types.js';
import { percentile } from '../common/samples.js';
import { overheadRow, type ScanTimingRecord, scanOverheads, timingOfEvent } from './overhead.js';

describe('per-scan agent overhead', () => {
  it('is total − transport − Σ peer round trips of each scan', () => {
    const o = scanOverheads([
      { totalMs: 2, transportMs: 0.25, peerRoundTripsMs: [1.5] },
      { totalMs: 3, transportMs: 0.5, peerRoundTripsMs: [1, 0.75] },
      { totalMs: 0.5, transportMs: 0.25, peerRoundTripsMs: [] },
    ]);
    expect(o.overheadsMs).toEqual([0.25, 0.75, 0.25]);
    expect(o.peerMs).toEqual([1.5, 1.75, 0]);
    expect(o.incomplete).toEqual([]);
  });

  it('reports a record lacking a part instead of dropping it silently', () => {
    const row = overheadRow(
      scanOverheads([
        { totalMs: 2, transportMs: 0.25, peerRoundTripsMs: [1.5] },
        { totalMs: 2, peerRoundTripsMs: [1.5] },
        { transportMs: 0.1 },
        { totalMs: 2, transportMs: 0.25, peerRoundTripsMs: [Number.NaN] },
      ]),
    );
    expect(row.n).toBe(1);
    expect(row.incomplete).toBe(3);
    expect(row.incompleteScans).toEqual([
      { index: 1, missing: ['transport'] },
      { index: 2, missing: ['total', 'peerRoundTrips'] },
      { index: 3, missing: ['peerRoundTrips'] },
    ]);
  });

  it('takes percentiles of the per-scan values, not differences of percentiles', () => {
    // Per-scan overhead 0.1 ms everywhere but one scan (0.3 ms); peer and transport times vary
    // in opposite directions, so subtracting their p99s from total's p99 gives something else.
    const records: ScanTimingRecord[] = Array.from({ length: 100 }, (_, i) => {
      const peer = 1 + i * 0.01;
      const transport = 0.02 + (99 - i) * 0.004;
      const own = i === 50 ? 0.3 : 0.1;
      return { totalMs: transport + peer + own, transportMs: transport, peerRoundTripsMs: [peer] };
    });
    const subtracted =
      percentile(
        records.map((r) => r.totalMs!),
        0.99,
      ) -
      percentile(
        records.map((r) => r.transportMs!),
        0.99,
      ) -
      percentile(
        records.map((r) => r.peerRoundTripsMs![0]!),
        0.99,
      );
    expect(Math.abs(subtracted - 0.1)).toBeGreaterThan(0.05); // the old method is off here
    const row = overheadRow(scanOverheads(records));
    expect(row.n).toBe(100);
    expect(row.p50Ms).toBe(0.1);
    expect(row.p99Ms).toBe(0.1);
    expect(row.maxMs).toBe(0.3);
    expect(row.minMs).toBe(0.1);
    expect(row.negative).toBe(0);
  });

  it('peer time that was not timed counts as missing, not as 0', () => {
    const base = { id: 'x', at: '', deviceId: 'd', stagesMs: { total: 2, transport: 0.1 } };
    const untimed: VerdictEvent = { ...base, verdict: { verdict: 'VALID', by: 'hsm' }, peerRoundTripsMs: [] };
    const timed: VerdictEvent = { ...untimed, peerRoundTripsMs: [{ peer: 'hsm', ms: 1.5 }] };
    const parser: VerdictEvent = {
      ...base,
      verdict: { verdict: 'INVALID', reason: 'malformed', by: 'parser' },
      peerRoundTripsMs: [],
    };
    expect(timingOfEvent(untimed).peerRoundTripsMs).toBeUndefined();
    expect(timingOfEvent(timed)).toEqual({ totalMs: 2, transportMs: 0.1, peerRoundTripsMs: [1.5] });
    expect(timingOfEvent(parser).peerRoundTripsMs).toEqual([]);
    // The central service's calls are not timed: a verdict it took part in has no usable peer time.
    const chain: VerdictEvent = { ...timed, verdict: { verdict: 'VALID', by: 'chain' } };
    const degraded: VerdictEvent = {
      ...timed,
      verdict: { verdict: 'VALID', by: 'hsm', degraded: 'central down' },
    };
    expect(timingOfEvent(chain).peerRoundTripsMs).toBeUndefined();
    expect(timingOfEvent(degraded).peerRoundTripsMs).toBeUndefined();
  });
});
