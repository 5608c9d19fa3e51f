import type { CentralClient } from '../../clients/central/client.js';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { EhcError } from '../../protocol/errors.js';
import { type AgentMetrics, RECENT_STAGE_SAMPLES } from '../metrics/agent-metrics.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { ScanPipeline } from '../pipeline/pipeline.js';
import type {
  AgentRuntime,
  ConsoleDevice,
  ConsoleSnapshot,
  DeviceSummary,
  HealthReport,
  VerdictEvent,
} from '../types.js';
import type { ScannerSet } from './scanners.js';

export interface RuntimeParts {
  readonly pipeline: ScanPipeline;
  readonly scanners: ScannerSet;
  readonly metrics: AgentMetrics;
  readonly outbox: OutboxStore;
  readonly hsm: CipherMachine | undefined;
  readonly central: CentralClient | undefined;
  readonly publicConfig: () => Readonly<Record<string, unknown>>;
}

/** What the local API reads from the running agent (agent/types.ts `AgentRuntime`). */
export class AgentRuntimeImpl implements AgentRuntime {
  /** Each device's latest verdict event (for the console's "last scan"). */
  private readonly lastScan = new Map<string, VerdictEvent>();

  constructor(private readonly parts: RuntimeParts) {
    parts.pipeline.onVerdict((e) => this.lastScan.set(e.deviceId, e));
  }

  async health(): Promise<HealthReport> {
    const { hsm, scanners, outbox } = this.parts;
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    if (hsm) {
      const s = hsm.status();
      checks.cipherMachine = { ok: s.available, detail: `active ${s.active}` };
    }
    const devices = scanners.summaries();
    const connected = devices.filter((d) => d.connected).length;
    checks.scanners = {
      ok: devices.length === 0 || connected > 0,
      detail: `${connected}/${devices.length} connected`,
    };
    const counts = outbox.counts();
    checks.outbox = { ok: counts.parked === 0, detail: `${counts.pending} pending, ${counts.parked} parked` };
    const failing = Object.values(checks).filter((c) => !c.ok).length;
    // Without the cipher machine no code can be accepted: that is "down", not "degraded".
    const status =
      checks.cipherMachine && !checks.cipherMachine.ok ? 'down' : failing > 0 ? 'degraded' : 'ok';
    return { status, checks };
  }

  devices(): readonly DeviceSummary[] {
    return this.parts.scanners.summaries();
  }

  recentScans(limit: number): readonly VerdictEvent[] {
    return this.parts.pipeline.recent(limit);
  }

  metricsText(): string {
    return this.parts.metrics.expose();
  }

  onVerdict(listener: (event: VerdictEvent) => void): () => void {
    return this.parts.pipeline.onVerdict(listener);
  }

  async trigger(deviceId: string, on: boolean): Promise<void> {
    await this.session(deviceId).trigger(on);
  }

  async beep(deviceId: string, kind: 'good' | 'bad'): Promise<void> {
    await this.session(deviceId).beep(kind);
  }

  publicConfig(): Readonly<Record<string, unknown>> {
    return this.parts.publicConfig();
  }

  consoleSnapshot(): ConsoleSnapshot {
    const { hsm, central, outbox, metrics, scanners } = this.parts;
    const devices = scanners.summaries().map((d): ConsoleDevice => {
      const e = this.lastScan.get(d.id);
      if (!e) return d;
      const v = e.verdict;
      return {
        ...d,
        lastScan: {
          at: e.at,
          verdict: v.verdict,
          ...(v.verdict === 'VALID' ? {} : { reason: v.reason }),
          ...(e.ehcIdMasked === undefined ? {} : { ehcIdMasked: e.ehcIdMasked }),
        },
      };
    });
    const counts = outbox.counts();
    const delivered = outbox.lastDeliveredAt();
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const h = hsm?.status();
    const c = central?.health();
    return {
      at: new Date().toISOString(),
      devices,
      stages: metrics.recentStages(),
      window: RECENT_STAGE_SAMPLES,
      outbox: { ...counts, ...(delivered === undefined ? {} : { lastDeliveryAt: iso(delivered)! }) },
      ...(h
        ? {
            cipherMachine: {
              available: h.available,
              active: h.active,
              endpoints: h.endpoints.map((x) => ({ endpoint: x.endpoint, up: x.up })),
            },
          }
        : {}),
      ...(c
        ? {
            central: {
              active: c.activeUrl,
              ...(c.available === undefined ? {} : { available: c.available }),
              ...(c.lastAnswerAt === undefined ? {} : { lastAnswerAt: iso(c.lastAnswerAt)! }),
              ...(c.lastUnavailableAt === undefined ? {} : { lastUnavailableAt: iso(c.lastUnavailableAt)! }),
              ...(c.lastUnavailableReason === undefined
                ? {}
                : { lastUnavailableReason: c.lastUnavailableReason }),
            },
          }
        : {}),
      certify: null,
    };
  }

  private session(deviceId: string) {
    const s = this.parts.scanners.session(deviceId);
    if (!s) throw new EhcError('DEVICE_NOT_FOUND', `no scanner ${deviceId}`);
    return s;
  }
}
