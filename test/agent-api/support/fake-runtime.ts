import type {
  AgentRuntime,
  ConsoleSnapshot,
  DeviceSummary,
  HealthReport,
  VerdictEvent,
} from '../../../agent/types.js';
import { EhcError } from '../../../protocol/errors.js';

/** A scriptable AgentRuntime: state is public, calls are recorded, failures can be armed. */
export class FakeRuntime implements AgentRuntime {
  healthReport: HealthReport = { status: 'ok', checks: { hsm: { ok: true } } };
  deviceList: DeviceSummary[] = [
    { id: 'scanner-1', driver: 'native', path: '/dev/ttyACM0', connected: true, state: 'ready' },
  ];
  scans: VerdictEvent[] = [];
  metrics = '# HELP ehc_scans_total Scans\n# TYPE ehc_scans_total counter\nehc_scans_total 3\n';
  config: Record<string, unknown> = { api: { host: '127.0.0.1' } };
  readonly commands: string[] = [];
  failCommands = false;
  readonly #listeners = new Set<(e: VerdictEvent) => void>();
  readonly #waiters: (() => void)[] = [];

  async health(): Promise<HealthReport> {
    return this.healthReport;
  }

  devices(): readonly DeviceSummary[] {
    return this.deviceList;
  }

  recentScans(limit: number): readonly VerdictEvent[] {
    return this.scans.slice(-limit).reverse();
  }

  metricsText(): string {
    return this.metrics;
  }

  onVerdict(listener: (event: VerdictEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#changed();
    return () => {
      this.#listeners.delete(listener);
      this.#changed();
    };
  }

  /** Resolves once exactly `n` listeners are subscribed. */
  async subscribers(n: number): Promise<void> {
    while (this.#listeners.size !== n) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #changed(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  emit(event: VerdictEvent): void {
    this.scans.push(event);
    for (const l of this.#listeners) l(event);
  }

  async trigger(deviceId: string, on: boolean): Promise<void> {
    if (this.failCommands) throw new EhcError('DEVICE_TIMEOUT', 'the device did not answer');
    this.commands.push(`trigger ${deviceId} ${on}`);
  }

  async beep(deviceId: string, kind: 'good' | 'bad'): Promise<void> {
    if (this.failCommands) throw new EhcError('DEVICE_TIMEOUT', 'the device did not answer');
    this.commands.push(`beep ${deviceId} ${kind}`);
  }

  publicConfig(): Readonly<Record<string, unknown>> {
    return this.config;
  }

  /** Each device with its latest scan as given (unmasked if the scan was), fixed peers and stages. */
  consoleSnapshot(): ConsoleSnapshot {
    return {
      at: new Date(Date.UTC(2025, 0, 1, 9)).toISOString(),
      devices: this.deviceList.map((d) => {
        const e = this.scans.filter((x) => x.deviceId === d.id).at(-1);
        if (!e) return d;
        return {
          ...d,
          lastScan: {
            at: e.at,
            verdict: e.verdict.verdict,
            ...(e.verdict.verdict === 'VALID' ? {} : { reason: e.verdict.reason }),
            ...(e.ehcIdMasked === undefined ? {} : { ehcIdMasked: e.ehcIdMasked }),
          },
        };
      }),
      stages: { transport: [0.1], parse: [0.01], verify: [1.5, 2.5], feedback: [3], total: [2, 3] },
      window: 200,
      outbox: { pending: 1, parked: 0, delivered: 4, lastDeliveryAt: '2025-01-01T08:59:00.000Z' },
      cipherMachine: {
        available: true,
        active: '127.0.0.1:1818',
        endpoints: [{ endpoint: '127.0.0.1:1818', up: true }],
      },
      central: { available: true, active: 'http://127.0.0.1:8443/ehc' },
      certify: null,
    };
  }
}

const FULL_ID = '6836D27C966E1C1BB192F050778358E4AA0208EFBA111FC5CB90AD689124A19B';

/** A VALID event whose holder and EHC-ID are deliberately NOT masked, to test the API's own masking. */
export function leakyEvent(n: number): VerdictEvent {
  return {
    id: `rec-${n}`,
    at: new Date(Date.UTC(2025, 0, 1, 8, 0, n)).toISOString(),
    deviceId: 'scanner-1',
    kind: 'dynamic',
    ehcIdMasked: FULL_ID,
    verdict: {
      verdict: 'VALID',
      by: 'hsm',
      holder: { name: '张三丰', idNo: '11010020171225006X', phone: '13812345678' },
    },
    stagesMs: { parse: 0.1, verify: 2.5, total: 3 },
  };
}

export function maskedEvent(n: number): VerdictEvent {
  return {
    id: `rec-${n}`,
    at: new Date(Date.UTC(2025, 0, 1, 8, 0, n)).toISOString(),
    deviceId: 'scanner-1',
    kind: 'dynamic',
    ehcIdMasked: '6836D27C…A19B',
    verdict: { verdict: 'INVALID', reason: 'expired', by: 'hsm', detail: 'generated 120 s ago' },
    stagesMs: { total: 1.5 },
  };
}

export const UNMASKED = { id: FULL_ID, name: '张三丰', idNo: '11010020171225006X', phone: '13812345678' };
