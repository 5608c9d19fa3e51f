import { randomBytes } from 'node:crypto';
import type { Stage } from '../../agent/types.js';
import { Lab } from '../../lab/lab.js';
import { nowMs, type Summary, summarize } from '../common/samples.js';
import { measureCipherMachine, measureTransport } from './baselines.js';

/**
 * `latency/scan-to-verify`: a virtual scanner → the agent → the soft cipher machine, all on
 * loopback, one scan at a time; per-stage latency from the pipeline, end to end from the moment
 * the scanner sends to the verdict event; and in the same run the two baselines the agent cannot
 * go below: the bare transport and the bare cipher-machine round trip.
 */
export interface LatencyOptions {
  readonly scans?: number;
  readonly warmup?: number;
  /** Scanner protocol: raw text lines (default) or our native frames. */
  readonly device?: 'raw' | 'native';
}

export interface LatencyReport {
  readonly name: 'latency/scan-to-verify';
  readonly scans: number;
  readonly device: 'raw' | 'native';
  readonly stages: Readonly<Partial<Record<Stage, Pick<Summary, 'p50Ms' | 'p99Ms'> & Partial<Summary>>>>;
  /** Scanner sends → verdict event (what a patient waits for). */
  readonly total: Summary;
  readonly baselines: { readonly transport: Summary; readonly cipherMachine: Summary };
  /** total − transport − cipherMachine, per percentile: the agent's own cost. */
  readonly overhead: { readonly p50Ms: number; readonly p99Ms: number };
  readonly target: { readonly overheadP99Ms: number; readonly met: boolean };
  readonly verdicts: Readonly<Record<string, number>>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly loadavg: readonly number[] };
}

export async function runLatencyBench(opts: LatencyOptions = {}): Promise<LatencyReport> {
  const scans = opts.scans ?? 2000;
  const warmup = opts.warmup ?? Math.min(200, scans);
  const device = opts.device ?? 'raw';
  const lab = await Lab.start({
    terminals: [{ id: 'bench-1', terminalCode: 'BENCH-0001', channelCode: '02', protocol: device }],
    verifyMode: 'hsm',
    dedupeWindowMs: 0,
  });
  try {
    // Fresh validity blocks (one per second is enough: the EHC-ID makes every code distinct).
    let block = await lab.validityBlock(Date.now());
    let blockAt = Date.now();
    const freshBlock = async (): Promise<string> => {
      if (Date.now() - blockAt > 10_000) {
        block = await lab.validityBlock(Date.now());
        blockAt = Date.now();
      }
      return block;
    };
    const code = async (): Promise<string> =>
      `${randomBytes(32).toString('hex').toUpperCase()}:0:${await freshBlock()}`;
    const sample = await code();

    const stageSamples: Record<'transport' | 'parse' | 'verify' | 'total', number[]> = {
      transport: [],
      parse: [],
      verify: [],
      total: [],
    };
    const endToEnd: number[] = [];
    const verdicts: Record<string, number> = {};
    for (let i = 0; i < warmup + scans; i++) {
      const text = await code();
      const t0 = nowMs();
      const e = await lab.scan('bench-1', text);
      const t1 = nowMs();
      if (i < warmup) continue;
      endToEnd.push(t1 - t0);
      for (const k of ['transport', 'parse', 'verify', 'total'] as const)
        stageSamples[k].push(e.stagesMs[k] ?? 0);
      const v = e.verdict.verdict === 'VALID' ? 'VALID' : `${e.verdict.verdict}(${e.verdict.reason})`;
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
    const hsm = lab.agent.hsm!;
    await measureCipherMachine(hsm, () => block, warmup);
    const cipherMachine = summarize(await measureCipherMachine(hsm, () => block, scans));
    const payload = Buffer.from(`${sample}\r`);
    await measureTransport(payload, warmup);
    const transport = summarize(await measureTransport(payload, scans));

    const total = summarize(endToEnd);
    const feedback = lab.agent.metrics.stageSeconds.percentiles({ stage: 'feedback' });
    const stages: LatencyReport['stages'] = {
      transport: summarize(stageSamples.transport),
      parse: summarize(stageSamples.parse),
      verify: summarize(stageSamples.verify),
      ...(feedback
        ? { feedback: { p50Ms: feedback.p50Ms, p99Ms: feedback.p99Ms, maxMs: feedback.maxMs } }
        : {}),
      total: summarize(stageSamples.total),
    };
    const r3 = (v: number): number => Math.round(v * 1000) / 1000;
    const overhead = {
      p50Ms: r3(total.p50Ms - transport.p50Ms - cipherMachine.p50Ms),
      p99Ms: r3(total.p99Ms - transport.p99Ms - cipherMachine.p99Ms),
    };
    const { cpus, loadavg } = await import('node:os');
    return {
      name: 'latency/scan-to-verify',
      scans,
      device,
      stages,
      total,
      baselines: { transport, cipherMachine },
      overhead,
      target: { overheadP99Ms: 1, met: overhead.p99Ms <= 1 },
      verdicts,
      environment: { node: process.version, cpus: cpus().length, loadavg: loadavg().map(r3) },
    };
  } finally {
    await lab.close();
  }
}
