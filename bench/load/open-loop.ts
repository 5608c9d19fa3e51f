import { Agent, request } from 'node:http';
import { nearestRank } from '../common/samples.js';
import type { Judgement } from './phase.js';

/**
 * One open-loop phase: requests at a fixed arrival rate, whatever the service does.
 *
 * A closed loop (N users, each sending its next request when the previous reply came) slows down
 * with the service: while the service stalls nobody sends, so the requests that *would* have
 * arrived during the stall are never measured (coordinated omission) and the percentiles look
 * better than what users at that arrival rate see. Here request `i` is scheduled at
 * `t0 + i / rate` and its latency is `completion − scheduled time`, also when the sender is late
 * (as wrk2 and k6's constant-arrival-rate executor do): time spent waiting for the sender, for a
 * free connection or in the service's queue is all part of it.
 */
export interface OpenLoopSpec {
  readonly url: string;
  /** Offered arrival rate, requests per second. */
  readonly rateRps: number;
  /**
   * The request bodies, one per scheduled request, built before the clock starts (sealing an
   * envelope costs ≈ 35 µs of client CPU, which would otherwise compete with sending on time).
   * Their number and the rate give the phase's length.
   */
  readonly bodies: readonly string[];
  /** Judges each reply body (after the phase, off the clock; the HTTP status must be 200 too). */
  readonly judge: (body: string) => Judgement;
  /** Keep-alive connections in the pool (default 128). */
  readonly connections?: number;
  /**
   * At most this many requests in flight (sent or waiting for a connection, default 1024); a
   * request scheduled while the limit is reached is not sent and counts as `dropped` — a failure,
   * never silently skipped.
   */
  readonly maxInFlight?: number;
  /** A request is `late` when it left more than this many ms after its scheduled time (default 2). */
  readonly lateAfterMs?: number;
  /** Per-request timeout, ms (default 10,000): a failure `timeout`, its latency recorded. */
  readonly timeoutMs?: number;
  /** Keep the sorted latencies (ms) in the result (tests). */
  readonly keepSamples?: boolean;
}

export interface OpenLoopStats {
  /** The arrival rate asked for, req/s. */
  readonly offeredRps: number;
  /** Replies (any status) and errors completed / elapsed. */
  readonly achievedRps: number;
  /** Requests on the schedule (= bodies). */
  readonly scheduled: number;
  readonly sent: number;
  /** Sent and completed: replies, errors and timeouts. */
  readonly completed: number;
  readonly successes: number;
  /** successes / scheduled (dropped requests count as failures). */
  readonly successRate: number;
  /** Failed requests by reason (err_code, `http-<status>`, `error`, `timeout`, `dropped`). */
  readonly failures: Readonly<Record<string, number>>;
  /** Not sent: scheduled while `maxInFlight` requests were in flight. */
  readonly dropped: number;
  /** Sent more than `lateAfterMs` after their scheduled time (the sender fell behind). */
  readonly late: number;
  /** Requests that could not be sent on time: late + dropped. */
  readonly notOnTime: number;
  /** How late the sender was: p99 and max over sent requests, ms. */
  readonly sendLagP99Ms: number;
  readonly sendLagMaxMs: number;
  /** From the first scheduled send to the last completion (at least the schedule's length), s. */
  readonly elapsedS: number;
  /** Latency from the scheduled send time (exact, nearest rank over every completed request). */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Sorted latencies, ms (only with `keepSamples`). */
  readonly samplesMs?: Float64Array;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs one open-loop phase over a pool of keep-alive connections (node's `http.Agent`). */
export async function runOpenLoop(spec: OpenLoopSpec): Promise<OpenLoopStats> {
  const n = spec.bodies.length;
  const rate = spec.rateRps;
  if (!(rate > 0)) throw new Error('the arrival rate must be > 0');
  const maxInFlight = spec.maxInFlight ?? 1024;
  const lateAfterMs = spec.lateAfterMs ?? 2;
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections ?? 128, scheduling: 'fifo' });
  const periodMs = 1000 / rate;

  const latency = new Float64Array(n);
  const lag = new Float64Array(n);
  const status = new Int16Array(n); // 0 unsent/dropped, -1 error, -2 timeout, else HTTP status
  const replies: (string | undefined)[] = new Array(n);
  let sent = 0;
  let completed = 0;
  let dropped = 0;
  let late = 0;
  let inFlight = 0;
  let next = 0;
  let lastCompletion = 0;
  let t0 = 0;

  return new Promise<OpenLoopStats>((resolve) => {
    const finishIfDone = (): void => {
      if (next < n || inFlight > 0) return;
      agent.destroy();
      resolve(summarise());
    };
    const complete = (i: number, code: number, body: string | undefined): void => {
      if (status[i] !== 0) return; // an error after a timeout, say
      const now = performance.now();
      status[i] = code;
      replies[i] = body;
      latency[completed++] = now - (t0 + i * periodMs);
      lastCompletion = now;
      inFlight--;
      finishIfDone();
    };
    const fire = (i: number): void => {
      const now = performance.now();
      if (inFlight >= maxInFlight) {
        dropped++;
        return;
      }
      const body = spec.bodies[i]!;
      const lagMs = now - (t0 + i * periodMs);
      lag[sent++] = lagMs;
      if (lagMs > lateAfterMs) late++;
      inFlight++;
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => complete(i, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', () => complete(i, -1, undefined));
        },
      );
      req.setTimeout(timeoutMs, () => {
        complete(i, -2, undefined);
        req.destroy();
      });
      req.on('error', () => complete(i, -1, undefined));
      req.end(body);
    };
    // Every request due by now goes out at once (timers fire ≈ 1 ms apart; the wait for the
    // tick is measured too), then sleep until the next one is due.
    const tick = (): void => {
      const due = Math.min(n, Math.floor((performance.now() - t0) / periodMs) + 1);
      while (next < due) fire(next++);
      if (next < n) setTimeout(tick, Math.max(0, t0 + next * periodMs - performance.now()));
      else finishIfDone();
    };
    t0 = performance.now();
    tick();
  });

  function summarise(): OpenLoopStats {
    const failures = new Map<string, number>();
    const fail = (why: string): void => {
      failures.set(why, (failures.get(why) ?? 0) + 1);
    };
    let successes = 0;
    for (let i = 0; i < n; i++) {
      const s = status[i]!;
      if (s === 200) {
        const j = spec.judge(replies[i]!);
        if (j.ok) successes++;
        else fail(j.why);
      } else if (s === -1) fail('error');
      else if (s === -2) fail('timeout');
      else if (s !== 0) fail(`http-${s}`);
    }
    if (dropped > 0) failures.set('dropped', dropped);
    const lat = latency.subarray(0, completed).sort();
    const lags = lag.subarray(0, sent).sort();
    const elapsedMs = Math.max(lastCompletion - t0, n * periodMs);
    const at = (q: number): number => r3(nearestRank(lat, q));
    return {
      offeredRps: rate,
      achievedRps: Math.round((completed / elapsedMs) * 1000),
      scheduled: n,
      sent,
      completed,
      successes,
      successRate: n === 0 ? 0 : Math.round((successes / n) * 1e6) / 1e6,
      failures: Object.fromEntries(failures),
      dropped,
      late,
      notOnTime: late + dropped,
      sendLagP99Ms: r3(nearestRank(lags, 0.99)),
      sendLagMaxMs: r3(lags.at(-1) ?? 0),
      elapsedS: r3(elapsedMs / 1000),
      p50Ms: at(0.5),
      p90Ms: at(0.9),
      p99Ms: at(0.99),
      p999Ms: at(0.999),
      maxMs: r3(lat.at(-1) ?? 0),
      meanMs: r3(lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length)),
      ...(spec.keepSamples === true ? { samplesMs: lat.slice() } : {}),
    };
  }
}
