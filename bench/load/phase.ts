import { build } from 'hdr-histogram-js';

/** A reply's verdict as the load generator sees it. */
export type Judgement = { readonly ok: true } | { readonly ok: false; readonly why: string };

export interface PhaseSpec {
  readonly url: string;
  /** Concurrent users: one keep-alive connection each, one request in flight each. */
  readonly connections: number;
  /** Run for this long (s)… */
  readonly durationS?: number;
  /** …or until this many requests were answered. */
  readonly amount?: number;
  /** The next request body (a fresh envelope); called once per request. */
  readonly nextBody: () => string;
  /** Judges each reply body (the HTTP status must be 200 too). */
  readonly judge: (body: string) => Judgement;
  /** Checked after each reply: true ends the phase early (e.g. the verify pool runs low). */
  readonly stopWhen?: () => boolean;
}

export interface PhaseStats {
  /** Replies received (any status) plus connection errors and timeouts. */
  readonly requests: number;
  readonly successes: number;
  /** Failed requests by reason (err_code, `http-<status>`, `error`, `timeout`). */
  readonly failures: Readonly<Record<string, number>>;
  readonly elapsedS: number;
  /** Transactions per second: replies received / elapsed. */
  readonly tps: number;
  readonly successRate: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/**
 * One closed-loop load phase with autocannon (its own HTTP/1.1 client: cheap per request, so the
 * generator steals as little CPU as possible from the server on a small machine). Latency of
 * every reply goes into an HDR histogram in µs; each reply body is judged for success.
 *
 * The phase's clock is its own: it ends `durationS` after autocannon starts (or when `stopWhen`
 * says so), and only replies received until then count. (autocannon itself stops only at its
 * next sampling tick and keeps sending until then.)
 */
export async function runPhase(spec: PhaseSpec): Promise<PhaseStats> {
  // Loaded here, not at the top: autocannon is a dev dependency (only `ehc bench load` needs it),
  // and a static import would make the installed `ehc` fail to start without it.
  const { default: autocannon } = await import('autocannon');
  const hist = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let successes = 0;
  const failures = new Map<string, number>();
  const fail = (why: string): void => {
    failures.set(why, (failures.get(why) ?? 0) + 1);
  };
  let startedAt = performance.now();
  let stoppedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      if (stoppedAt !== undefined) return;
      stoppedAt = performance.now();
      if (timer !== undefined) clearTimeout(timer);
      instance.stop();
    };
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        timeout: 10,
        // autocannon acts on stop() at its next sampling tick: keep that short.
        sampleInt: 100,
        // With our own timer, autocannon's duration is only a backstop.
        ...(spec.amount === undefined ? { duration: (spec.durationS ?? 10) + 30 } : { amount: spec.amount }),
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: spec.nextBody() }),
            onResponse: (status, body) => {
              if (stoppedAt !== undefined) return;
              if (status !== 200) fail(`http-${status}`);
              else {
                const j = spec.judge(body);
                if (j.ok) successes++;
                else fail(j.why);
              }
              // Stop after this reply's 'response' event (its latency) too has been recorded,
              // so successes never outnumber the replies counted.
              if (spec.stopWhen?.() === true) setImmediate(stop);
            },
          },
        ],
      },
      (error, result) => {
        if (timer !== undefined) clearTimeout(timer);
        if (error) {
          hist.destroy();
          reject(error);
          return;
        }
        if (result.errors > 0) failures.set('error', result.errors);
        if (result.timeouts > 0) failures.set('timeout', result.timeouts);
        const requests = hist.totalCount + result.errors + result.timeouts;
        const elapsedS = ((stoppedAt ?? performance.now()) - startedAt) / 1000;
        const stats: PhaseStats = {
          requests,
          successes,
          failures: Object.fromEntries(failures),
          elapsedS: round(elapsedS),
          tps: Math.round(hist.totalCount / elapsedS),
          successRate: requests === 0 ? 0 : round(successes / requests, 6),
          // HDR bucket values can lie above the recorded maximum; a percentile never does.
          p50Ms: Math.min(hist.getValueAtPercentile(50), hist.maxValue) / 1000,
          p90Ms: Math.min(hist.getValueAtPercentile(90), hist.maxValue) / 1000,
          p95Ms: Math.min(hist.getValueAtPercentile(95), hist.maxValue) / 1000,
          p99Ms: Math.min(hist.getValueAtPercentile(99), hist.maxValue) / 1000,
          p999Ms: Math.min(hist.getValueAtPercentile(99.9), hist.maxValue) / 1000,
          maxMs: hist.maxValue / 1000,
          meanMs: round(hist.mean / 1000),
        };
        hist.destroy();
        resolve(stats);
      },
    );
    instance.on('start', () => {
      startedAt = performance.now();
      if (spec.amount === undefined) timer = setTimeout(stop, (spec.durationS ?? 10) * 1000);
    });
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      if (stoppedAt === undefined) hist.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
    });
  });
}
