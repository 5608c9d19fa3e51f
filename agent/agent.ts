import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { CentralClient } from '../clients/central/client.js';
import { httpsFetch } from '../clients/central/https-fetch.js';
import { createHsmClient } from '../clients/hsm/client.js';
import { parseEndpoint } from '../clients/hsm/endpoint.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import { driverRegistry } from '../devices/drivers/registry.js';
import { systemHotplug, systemListers } from '../devices/manager/listers.js';
import { DeviceManager, type DeviceManagerOptions } from '../devices/manager/manager.js';
import { createTransport, type PortSpec } from '../devices/transports/port-spec.js';
import type { Transport } from '../devices/types.js';
import { readPrivateFile } from '../storage/file-mode.js';
import { type Db, openSqlite } from '../storage/sqlite.js';
import { type AccountPolicy, AdminService } from './admin/index.js';
import { type ApiServer, createApiServer } from './api/index.js';
import { type AgentConfig, publicAgentConfig, type ScannerConfig } from './config/agent-config.js';
import { closeAgentLogger, createAgentLogger, logLevelControl } from './log/logger.js';
import { AgentMetrics } from './metrics/agent-metrics.js';
import { CentralUseRecordSink } from './outbox/central-sink.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { OutboxSender } from './outbox/sender.js';
import { RepeatFilter } from './pipeline/dedupe.js';
import { ScanPipeline } from './pipeline/pipeline.js';
import { ReplayGuard } from './replay/replay-guard.js';
import { AgentRuntimeImpl } from './runtime/agent-runtime.js';
import { ScannerSet } from './runtime/scanners.js';
import { buildVerifier } from './runtime/verifier-factory.js';
import type { AgentRuntime } from './types.js';

/**
 * The host agent, assembled from its configuration: storage, cipher machine and central service
 * clients, the verifier, the scan pipeline, the outbox, the scanners, and the local API.
 */
export interface AgentOptions {
  readonly config: AgentConfig;
  readonly logger?: Logger;
  /** Ready-made peers (tests, demo); otherwise built from the configuration. */
  readonly hsm?: CipherMachine;
  readonly central?: CentralClient;
  /** Initial password of the default admin on first start (else a one-time password is logged once). */
  readonly adminPassword?: string;
  /** Transport factory override for scanners (virtual devices). */
  readonly transportFor?: (spec: PortSpec) => Transport;
  /** Overrides for USB discovery (`discovery.enabled`): listers, hot-plug source, transports (tests). */
  readonly discovery?: Partial<
    Pick<DeviceManagerOptions, 'listers' | 'openTransport' | 'registry' | 'probeTimeoutMs'>
  > & {
    /** `null`: no hot-plug events, periodic listing only. */
    readonly hotplug?: DeviceManagerOptions['hotplug'] | null;
  };
  readonly nowMs?: () => number;
  /**
   * The clock of the admin accounts (sessions, password age, unused accounts; default
   * `Date.now`): certification moves it to check the 10-minute and 90-day rules on the live API.
   */
  readonly adminClock?: () => number;
  /** Overrides of the account policy (spec defaults: 90-day expiry, 10-minute idle, 90-day unused). */
  readonly adminPolicy?: Partial<AccountPolicy>;
  /** Lower scrypt cost for tests. */
  readonly fastPasswordHashing?: boolean;
}

/** What a stop did: scans in flight when it began, scans abandoned at the bound, time taken. */
export interface DrainReport {
  readonly pendingAtStop: number;
  readonly abandoned: number;
  readonly ms: number;
}

export class Agent {
  readonly logger: Logger;
  readonly metrics = new AgentMetrics();
  readonly db: Db;
  readonly pipeline: ScanPipeline;
  readonly scanners: ScannerSet;
  readonly admin: AdminService;
  readonly runtime: AgentRuntime;
  readonly outbox: OutboxStore;
  readonly hsm: CipherMachine | undefined;
  readonly central: CentralClient | undefined;
  private readonly sender: OutboxSender | undefined;
  private api: ApiServer | undefined;
  private manager: DeviceManager | undefined;
  private ownsHsm = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping: Promise<DrainReport> | undefined;
  private closeCentralFetch: (() => void) | undefined;
  apiUrl: string | undefined;

  constructor(private readonly opts: AgentOptions) {
    const { config } = opts;
    this.logger =
      opts.logger ??
      createAgentLogger({
        level: config.log.level,
        ...(config.log.file
          ? { file: { path: config.log.file, size: config.log.rotateSize, keep: config.log.keep } }
          : {}),
      });
    this.db = openSqlite(config.storage.file, { foreignKeys: true });
    this.hsm = opts.hsm ?? this.buildHsm(config);
    this.central = opts.central ?? this.buildCentral(config);
    const retentionMs = (config.verify.lifetimeS + 2 * config.verify.skewS) * 1000;
    const replayGuard = new ReplayGuard(this.db, retentionMs);
    this.outbox = new OutboxStore(this.db);
    this.sender = this.central
      ? new OutboxSender(
          this.outbox,
          new CentralUseRecordSink(this.central, config.verify.timeZone, this.logger),
          {
            batchSize: config.outbox.batchSize,
            baseBackoffMs: config.outbox.baseBackoffMs,
            maxBackoffMs: config.outbox.maxBackoffMs,
            logger: this.logger,
          },
        )
      : undefined;
    this.scanners = new ScannerSet({
      logger: this.logger,
      onScan: (scan) => {
        // handle() turns every failure into a refusal; this catch only guards the process.
        // Every scan the driver acknowledged is tracked until its verdict is recorded, so that
        // stop() can drain it: an acknowledged scan is never dropped half-way.
        const p: Promise<unknown> = this.pipeline
          .handle(scan)
          .catch((e: unknown) => this.logger.error({ err: e }, 'scan pipeline failed'))
          .finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      },
      ...(opts.transportFor ? { transportFor: opts.transportFor } : {}),
    });
    const scannerTerminals = new Map(config.scanners.map((s) => [s.id, s]));
    // One transaction wrapper for every scan (building one per call costs ≈ 6 µs each time).
    const inTransaction = this.db.transaction((fn: () => unknown) => fn());
    this.pipeline = new ScanPipeline({
      verifier: buildVerifier(config, this.hsm, this.central),
      replayGuard,
      repeatFilter: new RepeatFilter(config.verify.dedupeWindowMs),
      outbox: { enqueue: (r, now) => this.outbox.enqueue(r, now), kick: () => this.sender?.kick() },
      atomically: <T>(fn: () => T) => inTransaction(fn) as T,
      metrics: this.metrics,
      feedback: (deviceId, verdict) => this.scanners.feedback(deviceId, verdict),
      terminal: (deviceId) => {
        const s = scannerTerminals.get(deviceId);
        return {
          terminalCode: s?.terminalCode ?? config.terminal.terminalCode,
          channelCode: s?.channelCode ?? config.terminal.channelCode,
          medStepCode: config.terminal.medStepCode,
        };
      },
      logger: this.logger,
      ...(opts.nowMs ? { nowMs: opts.nowMs } : {}),
    });
    this.admin = new AdminService({
      database: this.db,
      ...(opts.adminClock ? { now: opts.adminClock } : {}),
      ...(opts.adminPolicy ? { policy: opts.adminPolicy } : {}),
      ...(opts.fastPasswordHashing ? { scryptCost: { N: 1024, r: 8, p: 1 } } : {}),
    });
    this.runtime = new AgentRuntimeImpl({
      pipeline: this.pipeline,
      scanners: this.scanners,
      metrics: this.metrics,
      outbox: this.outbox,
      hsm: this.hsm,
      central: this.central,
      publicConfig: () => publicAgentConfig(config),
    });
    this.metrics.outbox.track(() => this.outbox.counts().pending, { state: 'pending' });
    this.metrics.outbox.track(() => this.outbox.counts().parked, { state: 'parked' });
    this.metrics.devices.track(() => this.scanners.summaries().filter((d) => d.connected).length);
  }

  private buildHsm(config: AgentConfig): CipherMachine | undefined {
    if (!config.hsm) return undefined;
    this.ownsHsm = true;
    const tls = config.hsm.tls;
    return createHsmClient({
      endpoints: [config.hsm.primary, ...(config.hsm.standby ? [config.hsm.standby] : [])].map(parseEndpoint),
      timeoutMs: config.hsm.timeoutMs,
      ...(tls
        ? { tls: { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readPrivateFile(tls.key) } }
        : {}),
    });
  }

  private buildCentral(config: AgentConfig): CentralClient | undefined {
    if (!config.central) return undefined;
    // node:http(s) with keep-alive (cheaper per request than the global fetch on the scan
    // thread); with a CA file, HTTPS is checked against that CA (a private PKI).
    const custom = httpsFetch(config.central.caFile ? { ca: readFileSync(config.central.caFile) } : {});
    this.closeCentralFetch = () => custom.close();
    return new CentralClient({
      url: config.central.url,
      ...(config.central.standbyUrls ? { standbyUrls: config.central.standbyUrls } : {}),
      appId: config.central.appId,
      appSecret: config.central.appSecret,
      termId: config.terminal.terminalCode,
      timeoutMs: config.central.timeoutMs,
      fetch: custom.fetch,
    });
  }

  /** Opens the scanners, starts the outbox and the local API. */
  async start(): Promise<void> {
    const { config } = this.opts;
    const boot = await this.admin.bootstrap(this.opts.adminPassword);
    if (boot.created && boot.oneTimePassword) {
      // Shown once, on the console only (never in the structured log): the admin must change it.
      process.stderr.write(`ehc agent: default admin created; one-time password: ${boot.oneTimePassword}\n`);
    }
    this.sender?.start();
    await Promise.all(config.scanners.map((s) => this.scanners.add(s)));
    if (config.discovery.enabled) await this.startDiscovery(config.discovery.intervalMs);
    if (config.api.enabled) {
      this.api = createApiServer({
        runtime: this.runtime,
        admin: this.admin,
        tokens: config.api.tokens,
        allowedOrigins: config.api.allowedOrigins,
        host: config.api.host,
        port: config.api.port,
        logger: this.logger,
        logLevel: logLevelControl(this.logger),
        ...(config.api.tls
          ? { tls: { cert: readFileSync(config.api.tls.cert), key: readPrivateFile(config.api.tls.key) } }
          : {}),
      });
      this.apiUrl = (await this.api.listen()).url;
    }
    this.logger.info(
      { api: this.apiUrl, scanners: config.scanners.length, mode: config.verify.mode },
      'agent ready',
    );
  }

  /**
   * USB hot-plug discovery: scanners appearing on the bus are identified (VID/PID, serial, USB
   * location), opened with their profile's driver (or by probing) and adopted; keyboard-mode
   * scanners are explained in the log, never silently ignored.
   */
  private async startDiscovery(intervalMs: number): Promise<void> {
    const o = this.opts.discovery ?? {};
    const hotplug = o.hotplug === null ? undefined : (o.hotplug ?? (await systemHotplug()));
    this.manager = new DeviceManager({
      listers: o.listers ?? systemListers(),
      registry: o.registry ?? driverRegistry,
      openTransport:
        o.openTransport ??
        ((d) => createTransport({ kind: d.transport, path: d.identity.path }, { identity: d.identity })),
      ...(hotplug ? { hotplug } : {}),
      pollIntervalMs: intervalMs,
      ...(o.probeTimeoutMs ? { probeTimeoutMs: o.probeTimeoutMs } : {}),
    });
    this.manager.on('scanner', (session, device) => {
      this.scanners.adopt(device.id, device.identity.path, session).catch((e: unknown) => {
        this.logger.warn({ device: device.id, err: e }, 'discovered scanner could not be enabled');
      });
    });
    this.manager.on('keyboard', (notice) =>
      this.logger.warn({ notice }, 'scanner in keyboard mode: switch it'),
    );
    this.manager.on('open-failed', (d, e) => this.logger.warn({ device: d.id, code: e.code }, e.message));
    this.manager.on('list-failed', (e) =>
      this.logger.warn({ source: e.source, code: e.error.code }, e.error.message),
    );
    await this.manager.start();
  }

  addScanner(config: ScannerConfig): Promise<void> {
    return this.scanners.add(config);
  }

  /** Delivers whatever the outbox can deliver now (tests, shutdown). */
  async flushOutbox(): Promise<void> {
    await this.sender?.drained();
  }

  /**
   * Waits until every scan received so far is finished — verdict recorded and the scanner's
   * feedback acknowledged or failed — or `timeoutMs` passes. Resolves with the scans still open.
   */
  async settled(timeoutMs = 5000): Promise<number> {
    await this.waitInFlight(performance.now() + timeoutMs);
    return this.inFlight.size;
  }

  /** Scans received and not yet recorded (a verdict or a refusal). */
  get scansInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Stops with a drain (SIGTERM): no new devices; the scans already received finish — verdict,
   * use record and outbox entry in one SQLite transaction, feedback to the scanner — while the
   * scanners are still open; then the scanners close (a scan they have not delivered stays in the
   * scanner, which re-sends it to the next agent), the scans that arrived meanwhile finish too,
   * the outbox sender stops (undelivered records stay in the store for the next start), and the
   * local API and the store close. `drainMs` bounds the wait for in-flight scans; a scan still
   * waiting on a peer then is abandoned before its transaction, so it is neither accepted nor
   * recorded (fail closed) and the report says how many. Idempotent.
   */
  stop(opts: { drainMs?: number } = {}): Promise<DrainReport> {
    this.stopping ??= this.drainAndClose(opts.drainMs ?? 5000);
    return this.stopping;
  }

  private async drainAndClose(drainMs: number): Promise<DrainReport> {
    const started = performance.now();
    const deadline = started + drainMs;
    const pendingAtStop = this.inFlight.size;
    await this.manager?.stop();
    await this.waitInFlight(deadline);
    await this.scanners.stop();
    await this.waitInFlight(deadline);
    const abandoned = this.inFlight.size;
    await this.sender?.stop();
    await this.api?.close();
    if (this.ownsHsm) await this.hsm?.close();
    this.closeCentralFetch?.();
    this.admin.close();
    this.db.close();
    const report = { pendingAtStop, abandoned, ms: Math.round(performance.now() - started) };
    if (abandoned > 0) this.logger.warn(report, 'agent stopped; scans abandoned at the drain bound');
    else this.logger.info(report, 'agent stopped; every received scan recorded');
    if (!this.opts.logger) await closeAgentLogger(this.logger);
    return report;
  }

  private async waitInFlight(deadlineMs: number): Promise<void> {
    while (this.inFlight.size > 0) {
      const left = deadlineMs - performance.now();
      if (left <= 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((r) => {
          timer = setTimeout(r, left);
        }),
      ]);
      clearTimeout(timer);
    }
  }
}
