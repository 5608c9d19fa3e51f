import { describe, expect, it } from 'vitest';
import { RigCollector } from './collector.js';
import { MARKER, markerCells, readMarker } from './marker.js';
import { type CodeRecord, calibrate, countCodes, stageMs, summarizeStage } from './report.js';
import { buildReport } from './report-build.js';

const rec = (displayId: number, t: Partial<CodeRecord>): CodeRecord => ({
  displayId,
  frames: 1,
  misreads: 0,
  ...t,
});

describe('rig report math', () => {
  it('computes stages per code, then percentiles by nearest rank over the sorted values', () => {
    // 100 codes: total = 1..100 ms (shuffled order), frame stage = total / 2.
    const ids = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const records = ids.map((v, i) =>
      rec(i + 1, {
        paintedAt: 1000 * i,
        firstFrameAt: 1000 * i + v / 2,
        decodedAt: 1000 * i + v / 2,
        verdictAt: 1000 * i + v,
      }),
    );
    const total = summarizeStage(records, 'total');
    expect(total).toMatchObject({ n: 100, p50Ms: 50, p99Ms: 99, maxMs: 100, minMs: 1 });
    const frame = summarizeStage(records, 'frame');
    expect(frame).toMatchObject({ p50Ms: 25, p99Ms: 49.5, maxMs: 50 });
    // feedback missing everywhere: no samples, not zeros.
    expect(summarizeStage(records, 'feedback').n).toBe(0);
  });

  it('never puts p99 above max, even with few samples', () => {
    for (const n of [1, 2, 3, 7, 99, 101]) {
      const records = Array.from({ length: n }, (_, i) =>
        rec(i + 1, { paintedAt: 0, verdictAt: (i * 7919) % 101 }),
      );
      const s = summarizeStage(records, 'total');
      expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
      expect(s.p50Ms).toBeLessThanOrEqual(s.p99Ms);
    }
  });

  it('differences per code, not differences of percentiles', () => {
    // Stage a is large where b is small: p99(total) ≠ p99(a) + p99(b).
    const records = [
      rec(1, { paintedAt: 0, firstFrameAt: 90, decodedAt: 100, verdictAt: 100 }),
      rec(2, { paintedAt: 0, firstFrameAt: 10, decodedAt: 100, verdictAt: 100 }),
    ];
    expect(summarizeStage(records, 'total').maxMs).toBe(100);
    expect(summarizeStage(records, 'frame').maxMs + summarizeStage(records, 'decode').maxMs).toBe(180);
    expect(stageMs(records[0]!, 'verify')).toBe(0);
    expect(stageMs(rec(3, { paintedAt: 0 }), 'total')).toBeUndefined();
  });

  it('counts shown, read, verdicts, misreads and missed codes', () => {
    const c = countCodes([
      rec(1, { paintedAt: 0, decodedAt: 5, verdictAt: 9, verdict: 'VALID' }),
      rec(2, { paintedAt: 0, decodedAt: 5, verdictAt: 9, verdict: 'INVALID(used)', misreads: 2 }),
      rec(3, { paintedAt: 0, frames: 4 }),
      rec(4, { frames: 1 }),
    ]);
    expect(c).toEqual({ shown: 3, read: 2, verdicts: 2, valid: 1, misreads: 2, missed: 1, frames: 7 });
  });

  it('calibrates the clock from the shortest round trip, with half of it as the uncertainty', () => {
    expect(
      calibrate([
        { pageBefore: 0, rig: 1000, pageAfter: 20 },
        { pageBefore: 100, rig: 1102, pageAfter: 104 },
        { pageBefore: 200, rig: 1300, pageAfter: 190 }, // page clock went back: ignored
      ]),
    ).toEqual({ offsetMs: 1000, uncertaintyMs: 2, samples: 3 });
    expect(calibrate([])).toBeUndefined();
  });

  it('marks the target met only with every code answered and p99 within it', () => {
    const base = {
      reader: 'virtual' as const,
      mode: 'verdict',
      degrade: undefined,
      extra: { unattributedMisreads: 0, rereads: 0, unmatchedVerdicts: 0 },
      clock: undefined,
      camera: undefined,
      agentPipelineMs: { n: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 },
      environment: { node: 'v', cpus: 2, loadavg: [0, 0, 0] },
    };
    const ok = [rec(1, { paintedAt: 0, verdictAt: 100, verdict: 'VALID' })];
    expect(buildReport({ ...base, records: ok }).target.met).toBe(true);
    expect(buildReport({ ...base, records: [...ok, rec(2, { paintedAt: 0 })] }).target.met).toBe(false);
    expect(
      buildReport({ ...base, records: [rec(1, { paintedAt: 0, verdictAt: 151, verdict: 'VALID' })] }).target
        .met,
    ).toBe(false);
  });
});

describe('rig collector', () => {
  it('matches verdicts to scans in order, counts re-reads and misreads', () => {
    const col = new RigCollector();
    col.painted(1, 0);
    col.frame(1, 10);
    col.frame(1, 20);
    col.read(2, 1, 25); // the text of another code in a frame showing 1: misread
    col.read(1, 1, 30);
    col.frame(1, 40); // after the read: not counted
    col.scan(1);
    col.scan(1); // seen again
    expect(col.verdict('VALID', 50)).toBe(1);
    expect(col.verdict('INVALID(used)', 60)).toBeUndefined();
    col.feedback(55);
    const [r] = col.records();
    expect(r).toMatchObject({
      displayId: 1,
      frames: 2,
      firstFrameAt: 10,
      decodedAt: 30,
      verdictAt: 50,
      feedbackAt: 55,
      verdict: 'VALID',
      misreads: 1,
    });
    expect(col.extra.rereads).toBe(1);
  });
});

describe('display id strip', () => {
  const paint = (id: number): { width: number; height: number; channels: 1; data: Uint8Array } => {
    const w = 320;
    const h = 40;
    const data = new Uint8Array(w * h).fill(255);
    markerCells(id).forEach((dark, i) => {
      if (!dark) return;
      for (let y = MARKER.y; y < MARKER.y + MARKER.cell; y++)
        for (let x = MARKER.x + i * MARKER.cell; x < MARKER.x + (i + 1) * MARKER.cell; x++)
          data[y * w + x] = 0;
    });
    return { width: w, height: h, channels: 1, data };
  };

  it('reads back every id it paints, blank as 0, and refuses a corrupted strip', () => {
    for (const id of [1, 2, 200, 4097, 65535]) expect(readMarker(paint(id))).toBe(id);
    expect(
      readMarker({ width: 320, height: 40, channels: 1, data: new Uint8Array(320 * 40).fill(255) }),
    ).toBe(0);
    const bad = paint(200);
    // 200 has id bit 0 clear: paint that cell dark, the check bits no longer match.
    for (let y = MARKER.y; y < MARKER.y + MARKER.cell; y++)
      for (let xx = MARKER.x + 2 * MARKER.cell; xx < MARKER.x + 3 * MARKER.cell; xx++)
        bad.data[y * 320 + xx] = 0;
    expect(readMarker(bad)).toBeUndefined();
    expect(readMarker({ width: 10, height: 10, channels: 1, data: new Uint8Array(100) })).toBeUndefined();
  });
});
