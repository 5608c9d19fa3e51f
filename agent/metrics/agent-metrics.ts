import type { Stage, Verdict } from '../types.js';
import { MetricsRegistry } from './registry.js';

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

  observeStage(stage: Stage, ms: number): void {
    this.stageSeconds.observe(ms, { stage });
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
