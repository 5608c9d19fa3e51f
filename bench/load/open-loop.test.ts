import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenLoop } from './open-loop.js';
import { runPhase } from './phase.js';
import { findKnee, runSweep, type StepStats, sweepRates } from './sweep.js';

/**
 * A server that answers one request at a time, in arrival order (like a service whose event loop
 * is busy): the `stallAt`-th request takes `stallMs`, every other one is answered at once. Every
 * request queued behind the slow one waits for it.
 */
async function serialServer(stallAt: number, stallMs: number): Promise<{ url: string; server: Server }> {
  const queue: { res: ServerResponse; n: number }[] = [];
  let received = 0;
  let busy = false;
  const drain = (): void => {
    if (busy) return;
    const job = queue.shift();
    if (job === undefined) return;
    const answer = (): void => {
      job.res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      busy = false;
      drain();
    };
    busy = true;
    if (job.n === stallAt) setTimeout(answer, stallMs);
    else setImmediate(answer);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      queue.push({ res, n: ++received });
      drain();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const ok = (body: string) =>
  body.includes('"ok":true') ? { ok: true as const } : { ok: false as const, why: 'body' };

describe('open-loop load', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });
  const start = async (stallAt: number, stallMs: number): Promise<string> => {
    const s = await serialServer(stallAt, stallMs);
    servers.push(s.server);
    return s.url;
  };

  it('measures from the scheduled send time: a 200 ms stall delays every request scheduled during it', async () => {
    const stallMs = 200;
    // 300 requests at 500/s (0.6 s); the 100th stalls the server for 200 ms, during which ≈ 100
    // more are scheduled: they queue behind it, and the ones scheduled in its first 50 ms wait
    // ≥ 150 ms (more if the machine is slow — a lower bound, not a timing assertion).
    const open = await runOpenLoop({
      url: await start(100, stallMs),
      rateRps: 500,
      bodies: Array.from({ length: 300 }, () => '{}'),
      judge: ok,
      keepSamples: true,
    });
    expect(open.failures).toEqual({});
    expect(open.successRate).toBe(1);
    expect(open.completed).toBe(300);
    const slowOpen = [...open.samplesMs!].filter((ms) => ms >= 150).length;
    expect(slowOpen).toBeGreaterThanOrEqual(5);
    expect(open.p99Ms).toBeGreaterThanOrEqual(150);
    expect(open.maxMs).toBeGreaterThanOrEqual(stallMs * 0.9);
    expect(open.p50Ms).toBeLessThanOrEqual(open.p90Ms);
    expect(open.p90Ms).toBeLessThanOrEqual(open.p99Ms);
    expect(open.p99Ms).toBeLessThanOrEqual(open.p999Ms);
    expect(open.p999Ms).toBeLessThanOrEqual(open.maxMs);

    // The same stall under a closed loop (one user, back to back): while the server stalls the
    // user waits and sends nothing, so only the stalled request itself is slow and p99 hides it.
    const closed = await runPhase({
      url: await start(100, stallMs),
      connections: 1,
      amount: 300,
      nextBody: () => '{}',
      judge: ok,
    });
    expect(closed.successRate).toBe(1);
    expect(closed.maxMs).toBeGreaterThanOrEqual(stallMs * 0.9);
    // Fewer than 3 of 300 requests ≥ 150 ms, or p99 would be ≥ 150 ms too.
    expect(closed.p99Ms).toBeLessThan(150);
  });

  it('keeps the offered rate against a fast server', async () => {
    const r = await runOpenLoop({
      url: await start(-1, 0),
      rateRps: 500,
      bodies: Array.from({ length: 500 }, () => '{}'),
      judge: ok,
    });
    expect(r.successRate).toBe(1);
    expect(r.sent).toBe(500);
    expect(r.offeredRps).toBe(500);
    // Within 10 % on an idle machine; ≥ 70 % keeps a loaded 2-core box from flaking.
    expect(r.achievedRps).toBeGreaterThanOrEqual(350);
    expect(r.achievedRps).toBeLessThanOrEqual(550);
  });

  it('counts requests beyond the in-flight limit as dropped failures, never skipped', async () => {
    // The first request stalls 300 ms; with at most 5 in flight, most of the others are dropped.
    const r = await runOpenLoop({
      url: await start(1, 300),
      rateRps: 1000,
      bodies: Array.from({ length: 100 }, () => '{}'),
      judge: ok,
      maxInFlight: 5,
    });
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.sent + r.dropped).toBe(100);
    expect(r.failures.dropped).toBe(r.dropped);
    expect(r.notOnTime).toBeGreaterThanOrEqual(r.dropped);
    expect(r.successes).toBe(r.sent);
    expect(r.successRate).toBeCloseTo(r.sent / 100, 6);
  });
});

describe('sweep and knee', () => {
  const step = (rateRps: number, p99Ms: number, successRate = 1): StepStats => ({
    offeredRps: rateRps,
    p99Ms,
    successRate,
  });

  it('finds the highest passing rate before the first failed step', () => {
    expect(
      findKnee([
        { rateRps: 1000, passed: true },
        { rateRps: 1250, passed: true },
        { rateRps: 1563, passed: false },
        { rateRps: 1953, passed: true },
      ]),
    ).toBe(1250);
    expect(findKnee([{ rateRps: 1000, passed: false }])).toBeNull();
    expect(findKnee([])).toBeNull();
  });

  it('steps the rate up, retries a failed step once, stops at the second failure', async () => {
    // Synthetic service: p99 grows with the rate; 2,443/s fails once (noise) then passes on the
    // retry; from 3,000/s on it misses 100 % success, twice.
    const calls: string[] = [];
    const p99 = (rate: number, attempt: number): StepStats => {
      calls.push(`${rate}#${attempt}`);
      if (rate === 2443 && attempt === 1) return step(rate, 14);
      if (rate >= 3000) return step(rate, 3, 0.999);
      return step(rate, rate / 1000);
    };
    const r = await runSweep(
      {
        startRps: 1000,
        factor: 1.25,
        stepRps: 0,
        maxRps: 10_000,
        stepS: 1,
        criteria: { p99Ms: 10, successRate: 1 },
      },
      async (rate, attempt) => p99(rate, attempt),
    );
    expect(r.steps.map((s) => s.rateRps)).toEqual([1000, 1250, 1563, 1954, 2443, 3054]);
    expect(r.steps.map((s) => s.attempts.length)).toEqual([1, 1, 1, 1, 2, 2]);
    expect(r.stoppedBy).toBe('failed-twice');
    expect(r.kneeRps).toBe(2443);
    expect(calls.at(-1)).toBe('3054#2');
  });

  it('stops at the max rate when every step passes', async () => {
    expect(sweepRates({ startRps: 500, factor: 1, stepRps: 500, maxRps: 1800 })).toEqual([
      500, 1000, 1500, 1800,
    ]);
    const r = await runSweep(
      {
        startRps: 500,
        factor: 1,
        stepRps: 500,
        maxRps: 1800,
        stepS: 1,
        criteria: { p99Ms: 10, successRate: 1 },
      },
      async (rate) => step(rate, 1),
    );
    expect(r.stoppedBy).toBe('max-rate');
    expect(r.kneeRps).toBe(1800);
  });
});
