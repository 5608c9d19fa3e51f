import type { Logger } from 'pino';
import { type DriverRegistry, driverRegistry } from '../../devices/drivers/registry.js';
import { openPort } from '../../devices/session/open-port.js';
import type { Reconnector } from '../../devices/session/reconnect.js';
import type { ScannerSession } from '../../devices/session/session.js';
import type { PortSpec } from '../../devices/transports/port-spec.js';
import type { DeviceInfo, DriverName, ScanEvent, Transport } from '../../devices/types.js';
import type { ScannerConfig } from '../config/agent-config.js';
import type { DeviceSummary, Verdict } from '../types.js';

/**
 * The scanners the agent drives: opens each configured port (retrying in the background while
 * the device is absent), claims and enables it, forwards scans, and gives the pipeline its
 * feedback channel (good/bad beep and LED). A scanner that cannot be opened never stops the
 * agent; it shows as disconnected in /devices and /health.
 */
export interface ScannerSetOptions {
  readonly logger: Logger;
  readonly onScan: (scan: ScanEvent) => void;
  readonly registry?: DriverRegistry;
  /** Injected transport factory (tests, virtual devices). */
  readonly transportFor?: (spec: PortSpec) => Transport;
  readonly retryMs?: number;
}

interface Entry {
  readonly config: ScannerConfig;
  session?: ScannerSession;
  reconnector?: Reconnector;
  lastError?: string;
  retry?: NodeJS.Timeout;
}

export class ScannerSet {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  /** Per session, the feedback its driver answered DEVICE_UNSUPPORTED to: not asked again. */
  private readonly unsupported = new WeakMap<ScannerSession, Set<'beep' | 'led'>>();

  constructor(private readonly opts: ScannerSetOptions) {}

  /** Opens a scanner; resolves once the first attempt finished (connected or retrying). */
  async add(config: ScannerConfig): Promise<void> {
    const entry: Entry = { config };
    this.entries.set(config.id, entry);
    await this.open(entry, 0);
  }

  private async open(entry: Entry, attempt: number): Promise<void> {
    if (this.stopped) return;
    const { config } = entry;
    try {
      const opened = await openPort({
        port: config.port,
        registry: this.opts.registry ?? driverRegistry,
        ...(config.driver ? { driver: config.driver as DriverName } : {}),
        ...(config.baudRate ? { baudRate: config.baudRate } : {}),
        ...(this.opts.transportFor ? { transportFor: this.opts.transportFor } : {}),
      });
      if (this.stopped) {
        await opened.session.close();
        return;
      }
      const s = opened.session;
      entry.session = s;
      entry.reconnector = opened.reconnector;
      delete entry.lastError;
      this.wire(entry, s);
      await s.claim();
      await s.enable();
      opened.reconnector.start();
      this.opts.logger.info(
        { device: config.id, driver: opened.driverName, info: s.info() },
        'scanner ready',
      );
    } catch (e) {
      entry.lastError = e instanceof Error ? e.message : String(e);
      const delay = Math.min(30_000, (this.opts.retryMs ?? 1000) * 2 ** Math.min(attempt, 5));
      this.opts.logger.warn(
        { device: config.id, retryInMs: delay, err: entry.lastError },
        'scanner not available',
      );
      entry.retry = setTimeout(() => void this.open(entry, attempt + 1), delay);
      entry.retry.unref();
    }
  }

  /**
   * Takes over a scanner the device manager found and opened (USB hot-plug discovery): claims and
   * enables it and forwards its scans. The manager keeps reconnecting it; a scanner already
   * configured by port stays with its configured entry.
   */
  async adopt(id: string, path: string, session: ScannerSession): Promise<void> {
    if (this.stopped || this.entries.has(id)) return;
    const entry: Entry = { config: { id, port: path }, session };
    this.entries.set(id, entry);
    this.wire(entry, session);
    await session.claim();
    await session.enable();
    this.opts.logger.info(
      { device: id, driver: session.driverName, info: session.info() },
      'discovered scanner ready',
    );
  }

  private wire(entry: Entry, s: ScannerSession): void {
    const id = entry.config.id;
    s.on('scan', (scan) => this.opts.onScan({ ...scan, deviceId: id }));
    s.on('error', (e) => this.opts.logger.warn({ device: id, code: e.code }, e.message));
    s.on('status', (st) =>
      this.opts.logger.info({ device: id, state: st.state, connected: st.connected }, 'scanner status'),
    );
  }

  session(id: string): ScannerSession | undefined {
    return this.entries.get(id)?.session;
  }

  summaries(): DeviceSummary[] {
    return [...this.entries.values()].map((e) => {
      const s = e.session;
      const info = s?.info();
      return {
        id: e.config.id,
        driver: s?.driverName ?? e.config.driver ?? 'probe',
        path: e.config.port,
        connected: s?.connected ?? false,
        state: s?.state ?? 'closed',
        ...(info ? { info: deviceInfo(info) } : {}),
      };
    });
  }

  /** Feedback for the pipeline: good/bad beep and LED; unsupported features are skipped. */
  async feedback(deviceId: string, verdict: Verdict): Promise<void> {
    const s = this.session(deviceId);
    if (!s?.connected) return;
    const kind = verdict.verdict === 'VALID' ? 'good' : 'bad';
    // A driver without beep or LED commands says so on every call, with a fresh error each time
    // (tens of µs per scan on the verdict path): after the first answer it is not asked again.
    const skip = this.unsupported.get(s);
    const asked = [
      ...(skip?.has('beep') ? [] : [['beep', s.beep(kind)] as const]),
      ...(skip?.has('led') ? [] : [['led', s.led(kind)] as const]),
    ];
    if (asked.length === 0) return;
    const results = await Promise.allSettled(asked.map(([, p]) => p));
    let failure: { reason: unknown } | undefined;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      if ((r.reason as { code?: string })?.code !== 'DEVICE_UNSUPPORTED') failure ??= r;
      else this.unsupported.set(s, (this.unsupported.get(s) ?? new Set()).add(asked[i]![0]));
    });
    if (failure) throw failure.reason;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        if (e.retry) clearTimeout(e.retry);
        e.reconnector?.stop();
        await e.session?.close().catch(() => undefined);
      }),
    );
  }
}

/** What `/devices` shows of a device's own report. */
function deviceInfo(info: DeviceInfo): NonNullable<DeviceSummary['info']> {
  return {
    vendor: info.vendor,
    model: info.model,
    firmware: info.firmware,
    serial: info.serial,
    ...(info.certifiedModelId === undefined ? {} : { certifiedModelId: info.certifiedModelId }),
  };
}
