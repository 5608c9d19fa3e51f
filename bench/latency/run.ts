import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Stage, VerdictEvent } from '../../agent/types.js';
import { createHsmClient } from '../../clients/hsm/client.js';
import { type LabSystem, startLab } from '../../lab/start.js';
import { EhcError } from '../../protocol/errors.js';
import { nowMs, type Summary, summarize } from '../common/samples.js';
import { startPeerServices } from '../load/peer.js';
import { cipherMachineOnce, TransportProbe } from './baselines.js';
import {
  type OverheadRow,
  overheadRow,
  type ScanTimingRecord,
  scanOverheads,
  timingOfEvent,
} from './overhead.js';

/** Per-scan agent overhead p99 the benchmark checks (issue 15): reported met / not met. */
export const OVERHEAD_P99_TARGET_MS = 0.3;
const BASELINES_LABEL = 'context only: measured apart, never subtracted';

/**
 * `latency/scan-to-verify`: a virtual scanner → the agent → the soft cipher machine on loopback,
 * one scan at a time; per-stage latency from the pipeline, end to end from the moment the
 * scanner sends to the verdict event, and the agent's own time per scan (overhead.ts: total −
 * transport − the cipher-machine round trips timed inside that scan); and, as context rows only,
 * two baselines measured apart in the same run: the bare transport and the bare cipher-machine
 * round trip. The peers (cipher machine and
 * central service, which receives the card-use records) run in another process by default, as
 * they do in a hospital, so their work does not count as the agent's.
 */
export interface LatencyPeers {
  readonly hsmPort: number;
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly terminalCode: string;
  stop(): Promise<void>;
}

export interface LatencyOptions {
  readonly scans?: number;
  readonly warmup?: number;
  /** Scanner protocol: raw text lines (default) or our native frames. */
  readonly device?: 'raw' | 'native';
  /** Where the peers run: a forked process (the CLI provides it) or this one (default). */
  readonly peers?: () => Promise<LatencyPeers>;
}

export interface LatencyReport {
  readonly name: 'latency/scan-to-verify';
  readonly scans: number;
  readonly device: 'raw' | 'native';
  readonly peers: 'separate-process' | 'in-process';
  readonly stages: Readonly<Partial<Record<Stage, Pick<Summary, 'p50Ms' | 'p99Ms'> & Partial<Summary>>>>;
  /** Scanner sends → verdict event (what a patient waits for). */
  readonly total: Summary;
  /** Σ of the cipher-machine round trips inside each scan (socket write → reply arrival). */
  readonly peerRoundTrip: Summary;
  /**
   * The agent's own time, per scan: total stage − transport stage − Σ peer round trips of that
   * same scan; percentiles over those per-scan values (nearest rank, so p99 ≤ max).
   */
  readonly overhead: OverheadRow & { readonly basis: string };
  /** Context only: measured apart (interleaved with the scans), never subtracted from anything. */
  readonly baselines: {
    readonly label: string;
    readonly transport: Summary;
    readonly cipherMachine: Summary;
  };
  /** Met only with every scan timed (no incomplete record) and p99 within the target. */
  readonly target: { readonly overheadP99Ms: number; readonly met: boolean };
  readonly verdicts: Readonly<Record<string, number>>;
  readonly environment: { readonly node: string; readonly cpus: number; readonly loadavg: readonly number[] };
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

export async function runLatencyBench(opts: LatencyOptions = {}): Promise<LatencyReport> {
  const scans = opts.scans ?? 2000;
  const warmup = opts.warmup ?? Math.min(200, scans);
  const device = opts.device ?? 'raw';
  const peers = await (opts.peers ?? (() => startPeerServices({ lifetimeS: 600, db: 'memory' })))();
  const blocks = createHsmClient({ endpoints: [{ host: '127.0.0.1', port: peers.hsmPort }] });
  // The scanner and the agent come from the lab, pointed at the peers wherever they run.
  let lab: LabSystem | undefined;
  try {
    lab = await startLab({
      hsm: { external: [{ host: '127.0.0.1', port: peers.hsmPort }] },
      central: { external: { url: peers.url, appId: peers.appId, appSecret: peers.appSecret } },
      terminals: [{ id: 'bench-1', terminalCode: peers.terminalCode, channelCode: '02', protocol: device }],
      agents: [
        {
          verifyMode: 'hsm',
          dedupeWindowMs: 0,
          lifetimeS: 600,
          hsmTimeoutMs: 200,
          outbox: { batchSize: 50, baseBackoffMs: 1000, maxBackoffMs: 300_000 },
        },
      ],
    });
    const agent = lab.agents.get('agent')!.agent;
    const dev = lab.terminal('bench-1').device;
    const fresh = await blocks.encryptValidity(Date.now());
    if (fresh.status !== 'ok') throw new EhcError('BENCH_HSM', `encryptValidity: ${fresh.status}`);
    const block = fresh.value.blockHex;
    const code = (): string => `${randomBytes(32).toString('hex').toUpperCase()}:0:${block}`;
    const scanOnce = (text: string): Promise<VerdictEvent> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new EhcError('BENCH_SCAN_TIMEOUT', 'no verdict within 5 s'));
        }, 5000);
        const off = agent.pipeline.onVerdict((e) => {
          clearTimeout(timer);
          off();
          resolve(e);
        });
        dev.link.scan(text);
      });

    // Each iteration measures the two baselines and then one scan, so all three see the same
    // conditions (background uploads, GC, the other process): the baselines are in-run, not
    // taken on an idle machine afterwards.
    const hsm = agent.hsm!;
    const probe = await TransportProbe.open();
    const payload = Buffer.from(`${code()}\r`);
    const stageSamples = {
      transport: [] as number[],
      parse: [] as number[],
      verify: [] as number[],
      total: [] as number[],
    };
    const endToEnd: number[] = [];
    const timings: ScanTimingRecord[] = [];
    const baseTransport: number[] = [];
    const baseHsm: number[] = [];
    const verdicts: Record<string, number> = {};
    try {
      for (let i = 0; i < warmup + scans; i++) {
        const bt = await probe.once(payload);
        const bh = await cipherMachineOnce(hsm, block);
        const text = code();
        const t0 = nowMs();
        const e = await scanOnce(text);
        const t1 = nowMs();
        if (i < warmup) continue;
        baseTransport.push(bt);
        baseHsm.push(bh);
        endToEnd.push(t1 - t0);
        timings.push(timingOfEvent(e));
        for (const k of ['transport', 'parse', 'verify', 'total'] as const)
          stageSamples[k].push(e.stagesMs[k] ?? 0);
        const v = e.verdict.verdict === 'VALID' ? 'VALID' : `${e.verdict.verdict}(${e.verdict.reason})`;
        verdicts[v] = (verdicts[v] ?? 0) + 1;
      }
    } finally {
      await probe.close();
    }
    const transport = summarize(baseTransport);
    const cipherMachine = summarize(baseHsm);

    const total = summarize(endToEnd);
    const feedback = agent.metrics.stageSeconds.percentiles({ stage: 'feedback' });
    const perScan = scanOverheads(timings);
    const overhead = {
      ...overheadRow(perScan),
      basis: 'per scan: total − transport − Σ cipher-machine round trips, one monotonic clock',
    };
    return {
      name: 'latency/scan-to-verify',
      scans,
      device,
      peers: opts.peers ? 'separate-process' : 'in-process',
      stages: {
        transport: summarize(stageSamples.transport),
        parse: summarize(stageSamples.parse),
        verify: summarize(stageSamples.verify),
        ...(feedback
          ? { feedback: { p50Ms: feedback.p50Ms, p99Ms: feedback.p99Ms, maxMs: feedback.maxMs } }
          : {}),
        total: summarize(stageSamples.total),
      },
      total,
      peerRoundTrip: summarize(perScan.peerMs),
      overhead,
      baselines: { label: BASELINES_LABEL, transport, cipherMachine },
      target: {
        overheadP99Ms: OVERHEAD_P99_TARGET_MS,
        met: overhead.incomplete === 0 && overhead.n > 0 && overhead.p99Ms <= OVERHEAD_P99_TARGET_MS,
      },
      verdicts,
      environment: { node: process.version, cpus: cpus().length, loadavg: loadavg().map(r3) },
    };
  } finally {
    await lab?.stop();
    await blocks.close();
    await peers.stop();
  }
}
