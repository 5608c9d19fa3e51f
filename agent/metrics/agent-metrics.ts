import type { Stage, Verdict } from '../types.js';
import { MetricsRegistry } from './registry.js';

/** How many of the latest samples of each stage the live console sees. */
export const RECENT_STAGE_SAMPLES = 200;

const STAGES: readonly Stage[] = ['transport', 'parse', 'verify', 'feedback', 'total'];

/** The last `size` values, in a fixed buffer (recording allocates nothing). */
class Ring {
  readonly #values: Float64Array;
  #next = 0;
  #count = 0;
  constructor(size: number) {
    this.#values = new Float64Array(size);
  }
  push(v: number): void {
    this.#values[this.#next] = v;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
  }
  /** Oldest first. */
  values(): number[] {
    const n = this.#values.length;
    const start = (this.#next - this.#count + n) % n;
    return Array.from({ length: this.#count }, (_, i) => this.#values[(start + i) % n]!);
  }
}

/** The agent's metrics: per-stage latency and verdict counters by verdict and reason. */
export class AgentMetrics {
  readonly registry = new MetricsRegistry();
  readonly stageSeconds = this.registry.histogram(
    'ehc_stage_duration_seconds',
    'Latency of each scan-to-verify stage (transport, parse, verify, feedback, total)',
  );
  readonly verdicts = this.registry.counter('ehc_verdicts_total', 'Verdicts by verdict, reason and verifier');
  readonly duplicates = this.registry.counter(
    'ehc_scans_deduplicated_total',
    'Repeat scans dropped within the window',
  );
  readonly stageSkips = this.registry.counter(
    'ehc_stage_skipped_total',
    'Scans that have no sample of a stage, by stage, device and reason (e.g. feedback failed)',
  );
  readonly outbox = this.registry.gauge('ehc_outbox_records', 'Card-use records in the outbox by state');
  readonly devices = this.registry.gauge('ehc_devices_connected', 'Connected scanners');

  readonly #recent = new Map<Stage, Ring>(STAGES.map((s) => [s, new Ring(RECENT_STAGE_SAMPLES)]));

  observeStage(stage: Stage, ms: number): void {
    this.stageSeconds.observe(ms, { stage });
    this.#recent.get(stage)?.push(ms);
  }

  /** The latest samples of each stage (at most RECENT_STAGE_SAMPLES, oldest first), in ms. */
  recentStages(): Record<Stage, number[]> {
    const out = {} as Record<Stage, number[]>;
    for (const s of STAGES) out[s] = this.#recent.get(s)?.values() ?? [];
    return out;
  }

  /** A scan that has no sample of `stage` (so the stage's count is below the scans'), and why. */
  skipStage(stage: Stage, device: string, reason: string): void {
    this.stageSkips.inc({ stage, device, reason });
  }

  countVerdict(v: Verdict): void {
    const reason = v.verdict === 'VALID' ? (v.degraded ? 'ok-degraded' : 'ok') : v.reason;
    this.verdicts.inc({ verdict: v.verdict, reason, verifier: v.by });
  }

  expose(): string {
    return this.registry.expose();
  }
}
