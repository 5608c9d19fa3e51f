import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Agent } from '../agent/agent.js';
import { type AgentConfig, parseAgentConfig } from '../agent/config/agent-config.js';
import type { VerdictEvent } from '../agent/types.js';
import { CentralClient } from '../clients/central/client.js';
import { httpsFetch } from '../clients/central/https-fetch.js';
import { createHsmClient } from '../clients/hsm/client.js';
import { formatEndpoint } from '../clients/hsm/endpoint.js';
import type { CipherMachine, HsmEndpoint } from '../clients/hsm/types.js';
import type { DeviceInfo, ScanEvent } from '../devices/types.js';
import { EhcError } from '../protocol/errors.js';
import { firstAdminLogin, type LabAdmin, labAdmin, strongPassword } from './admin.js';
import { LabCentral } from './central.js';
import { LabCipherMachines } from './cipher-machines.js';
import { MovableClock } from './clock.js';
import { LabFaults } from './faults.js';
import { PatientApp } from './patient-app.js';
import { Resources } from './resources.js';
import type { LabAgentSpec, LabApp, LabExternalCentral, LabExternalHsm, LabSpec } from './spec.js';
import { type LabTerminalHandle, startTerminal } from './terminals.js';
import { type TestPki, testPki } from './tls-material.js';

/** The default administrator's password of an agent without `admin` (no first login done). */
export const LAB_ADMIN_PASSWORD = 'LabAdmin2026';

/** One agent the lab runs, with the terminals it drives. `restart()` keeps its configuration and storage. */
export interface LabAgent {
  readonly name: string;
  readonly agent: Agent;
  readonly config: AgentConfig;
  readonly terminals: readonly LabTerminalHandle[];
  /** The default administrator's current password. */
  readonly adminPassword: string;
  /** With `admin` in its spec: its administration interface as checks reach it. */
  readonly admin: LabAdmin | undefined;
  /** Stops the agent and starts a new one on the same configuration and storage. */
  restart(): Promise<void>;
}

/** What a terminal reports through its agent (the runtime's device summary). */
export interface LabDeviceReport {
  readonly id: string;
  readonly port: string;
  readonly driver: string;
  readonly connected: boolean;
  readonly info?: DeviceInfo;
}

/** A scan through the reader-terminal interface, with the feedback the terminal got. */
export interface LabRoundTrip {
  readonly received: string;
  readonly verdict: 'VALID' | 'INVALID' | 'UNAVAILABLE';
  readonly reason?: string;
  readonly ehcIdMasked?: string;
  readonly beeps: readonly string[];
  readonly led: string;
  readonly ms: number;
}

/** The handles of a started lab. Pieces the spec left out are `undefined`. */
export interface LabSystem {
  readonly spec: LabSpec;
  readonly logger: Logger;
  /** The lab's working directory (files, PKI), deleted by `stop()`; only when something needed one. */
  readonly dir: string | undefined;
  readonly pki: TestPki | undefined;
  readonly clock: MovableClock;
  readonly hsm: LabCipherMachines | undefined;
  /** Where the systems under test reach the cipher machines (links first), primary first. */
  readonly hsmEndpoints: readonly HsmEndpoint[];
  readonly central: LabCentral | undefined;
  /** The central envelope URL and the hospital app's credentials (started or external). */
  readonly centralEndpoint: { readonly url: string; readonly app: LabApp } | undefined;
  readonly monitorApp: LabApp | undefined;
  /** `fetch` that trusts the lab CA (plain `fetch` without TLS). */
  readonly fetch: typeof fetch;
  /** A client of the central service as the hospital app (any terminal code). */
  centralClient(termId: string, timeoutMs?: number): CentralClient;
  /** A cipher-machine client over the links (closed by the caller). */
  hsmClient(timeoutMs?: number): CipherMachine;
  /** The resident's phone app (register, generate codes), when there is a central service. */
  readonly app: PatientApp | undefined;
  readonly terminals: ReadonlyMap<string, LabTerminalHandle>;
  readonly agents: ReadonlyMap<string, LabAgent>;
  readonly faults: LabFaults;
  terminal(id: string): LabTerminalHandle;
  /** The agent driving a terminal. */
  agentOf(terminalId: string): LabAgent;
  /** Shows `text` to a terminal; resolves with its agent's verdict for that scan. */
  scan(terminalId: string, text: string, timeoutMs?: number): Promise<VerdictEvent>;
  /** Like `scan`, one at a time per terminal (queued), with the time to the verdict. */
  scanQueued(terminalId: string, text: string): Promise<{ event: VerdictEvent; ms: number }>;
  /** A scan and the feedback the terminal got (native terminals). */
  roundTrip(terminalId: string, text: string): Promise<LabRoundTrip>;
  /** Every terminal as its agent publishes it. */
  devices(): LabDeviceReport[];
  /** Releases every port, file and timer. Idempotent; never throws for an already stopped piece. */
  stop(): Promise<void>;
}

const DEFAULT_APP_ID = 'LAB-HOSPITAL';
const VERDICT_WAIT_MS = 5000;

const isExternalHsm = (x: LabSpec['hsm']): x is LabExternalHsm =>
  typeof x === 'object' && x !== null && 'external' in x;
const isExternalCentral = (x: LabSpec['central']): x is LabExternalCentral =>
  typeof x === 'object' && x !== null && 'external' in x;

function needsDir(spec: LabSpec): boolean {
  const c = spec.central;
  const centralFiles =
    c !== false &&
    c !== undefined &&
    !isExternalCentral(c) &&
    (c.db === 'file' || c.instances === 2 || !!c.admin);
  const hsmProcess = typeof spec.hsm === 'object' && !isExternalHsm(spec.hsm) && !!spec.hsm.process;
  return !!spec.tls || hsmProcess || centralFiles || (spec.agents ?? []).some((a) => a.storage === 'file');
}

/**
 * Builds the lab `spec` describes, on loopback, and returns its handles. Every resource is
 * registered as it is created; if anything fails halfway, what was started is stopped and the
 * error rethrown, so a failed start leaves nothing open either.
 */
export async function startLab(spec: LabSpec = {}): Promise<LabSystem> {
  const resources = new Resources();
  try {
    return await build(spec, resources);
  } catch (e) {
    await resources.release().catch(() => undefined);
    throw e;
  }
}

async function build(spec: LabSpec, resources: Resources): Promise<LabSystem> {
  const logger = spec.logger ?? pino({ level: 'silent' });
  const clock = new MovableClock({ movable: spec.clock === 'movable' });

  let dir: string | undefined;
  if (needsDir(spec)) {
    dir = resources.own(mkdtempSync(join(tmpdir(), 'ehc-lab-')), 'lab directory', (d) =>
      rmSync(d, { recursive: true, force: true }),
    );
  }
  let pki: TestPki | undefined;
  if (spec.tls) {
    mkdirSync(join(dir!, 'pki'));
    pki = testPki(join(dir!, 'pki'));
  }
  let web: { fetch: typeof fetch } = { fetch };
  if (pki) web = resources.own(httpsFetch({ ca: pki.ca }), 'https client', (w) => w.close());

  // Cipher machines.
  let machines: LabCipherMachines | undefined;
  let hsmEndpoints: readonly HsmEndpoint[] = [];
  if (isExternalHsm(spec.hsm)) hsmEndpoints = spec.hsm.external;
  else if (spec.hsm !== false) {
    machines = await LabCipherMachines.start(spec.hsm ?? {}, pki, logger, resources, dir);
    hsmEndpoints = machines.linkEndpoints;
  }
  const hsmClient = (timeoutMs = 1000): CipherMachine => {
    if (machines) return machines.linkClient(timeoutMs);
    if (hsmEndpoints.length === 0) throw new EhcError('LAB_CONFIG', 'this lab has no cipher machine');
    return createHsmClient({ endpoints: [...hsmEndpoints], timeoutMs });
  };

  // Terminals (before the central service: it registers their codes).
  const terminals = new Map<string, LabTerminalHandle>();
  for (const t of spec.terminals ?? []) {
    if (terminals.has(t.id)) throw new EhcError('LAB_CONFIG', `two terminals named ${t.id}`);
    terminals.set(t.id, await startTerminal(t, resources));
  }

  // Central service.
  const monitorApp: LabApp | undefined =
    spec.monitoring === true
      ? { appId: 'LAB-MONITOR', appSecret: randomBytes(8).toString('hex'), name: 'Monitoring' }
      : spec.monitoring || undefined;
  let central: LabCentral | undefined;
  let centralEndpoint: LabSystem['centralEndpoint'];
  if (isExternalCentral(spec.central)) {
    const x = spec.central.external;
    centralEndpoint = { url: x.url, app: { appId: x.appId, appSecret: x.appSecret } };
  } else if (spec.central !== false) {
    const c = spec.central ?? {};
    if (hsmEndpoints.length === 0)
      throw new EhcError('LAB_CONFIG', 'the central service needs a cipher machine');
    const app = c.app ?? {
      appId: DEFAULT_APP_ID,
      appSecret: randomBytes(8).toString('hex'),
      name: 'Lab hospital',
    };
    const orgCode = c.orgCode ?? 'LAB';
    central = await LabCentral.start(
      {
        spec: c,
        app,
        ...(monitorApp ? { monitor: monitorApp } : {}),
        terminals: [
          ...(spec.terminals ?? [])
            .filter((t) => t.registered !== false)
            .map((t) => ({ terminalCode: t.terminalCode, name: t.name ?? t.id, orgCode, enabled: true })),
          ...(c.terminals ?? []),
        ],
        ...(pki ? { pki } : {}),
        ...(dir ? { dir } : {}),
        hsmFor: (timeoutMs) => hsmClient(timeoutMs),
        logger,
      },
      resources,
    );
    centralEndpoint = { url: central.url, app };
  }
  const centralClient = (termId: string, timeoutMs = 3000): CentralClient => {
    if (!centralEndpoint) throw new EhcError('LAB_CONFIG', 'this lab has no central service');
    return new CentralClient({
      url: centralEndpoint.url,
      appId: centralEndpoint.app.appId,
      appSecret: centralEndpoint.app.appSecret,
      termId,
      timeoutMs,
      ...(pki ? { fetch: web.fetch } : {}),
    });
  };
  const app = centralEndpoint ? new PatientApp(centralClient('PATIENT-APP', 10_000)) : undefined;

  // Agents.
  const agentSpecs = spec.agents ?? (terminals.size > 0 ? [{}] : []);
  const names = agentSpecs.map((a) => a.name ?? 'agent');
  if (new Set(names).size !== names.length) throw new EhcError('LAB_CONFIG', 'two agents with one name');
  for (const t of spec.terminals ?? []) {
    if (!names.includes(t.agent ?? names[0] ?? ''))
      throw new EhcError('LAB_CONFIG', `terminal ${t.id}: no agent ${t.agent ?? '(none in the spec)'}`);
  }
  // Agents share the lab's cipher-machine client when the lab manages TLS, standby or a wrapper.
  let sharedHsm: CipherMachine | undefined;
  const agents = new Map<string, LabAgent>();
  for (const [i, a] of agentSpecs.entries()) {
    const name = names[i]!;
    const mine = [...terminals.values()].filter((t) => (t.config.agent ?? names[0]) === name);
    const managedHsm = hsmEndpoints.length > 0 && (!!pki || !!a.wrapHsm || hsmEndpoints.length > 1);
    if (managedHsm && !sharedHsm)
      sharedHsm = resources.own(hsmClient(a.hsmTimeoutMs ?? 1000), 'agents’ cipher-machine client', (c) =>
        c.close(),
      );
    const la = await startAgent({
      name,
      a,
      mine,
      dir,
      hsmEndpoints,
      hsm: managedHsm ? (a.wrapHsm ? a.wrapHsm(sharedHsm!) : sharedHsm!) : undefined,
      central: centralEndpoint && a.central !== false ? centralEndpoint : undefined,
      centralObject: pki && centralEndpoint && a.central !== false ? centralClient : undefined,
      clock,
      logger,
      resources,
    });
    agents.set(name, la);
  }

  const faults = new LabFaults(spec.faults ?? [], { machines, central, terminals, agents, clock });

  const terminal = (id: string): LabTerminalHandle => {
    const t = terminals.get(id);
    if (!t) throw new EhcError('LAB_NO_TERMINAL', `no terminal ${id}`);
    return t;
  };
  const agentOf = (terminalId: string): LabAgent => {
    const t = terminal(terminalId);
    const a = agents.get(t.config.agent ?? names[0] ?? '');
    if (!a) throw new EhcError('LAB_NO_AGENT', `no agent drives ${terminalId}`);
    return a;
  };
  const scan = (terminalId: string, text: string, timeoutMs = VERDICT_WAIT_MS): Promise<VerdictEvent> => {
    const t = terminal(terminalId);
    const { agent } = agentOf(terminalId);
    return new Promise<VerdictEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new EhcError('LAB_SCAN_TIMEOUT', `no verdict from ${terminalId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = agent.pipeline.onVerdict((e) => {
        if (e.deviceId !== terminalId) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
      t.device.link.scan(text);
    });
  };
  /** One scan at a time per terminal: a verdict is matched to the scan by its device. */
  const busy = new Map<string, Promise<unknown>>();
  const scanQueued = (terminalId: string, text: string): Promise<{ event: VerdictEvent; ms: number }> => {
    const prev = busy.get(terminalId) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(async () => {
        const t0 = performance.now();
        const event = await scan(terminalId, text);
        return { event, ms: performance.now() - t0 };
      });
    busy.set(terminalId, next);
    return next;
  };
  const roundTrip = async (terminalId: string, text: string): Promise<LabRoundTrip> => {
    const t = terminal(terminalId);
    const engine = t.native;
    if (!engine) throw new EhcError('LAB_CONFIG', `${terminalId} is not a native terminal`);
    const session = agentOf(terminalId).agent.scanners.session(terminalId);
    if (!session) throw new EhcError('LAB_NO_TERMINAL', `${terminalId} is not open`);
    const beepsBefore = engine.feedback.beeps.length;
    const t0 = performance.now();
    const received = new Promise<string>((resolve) => {
      const onScan = (s: ScanEvent): void => {
        session.off('scan', onScan);
        resolve(s.text);
      };
      session.on('scan', onScan);
    });
    const { event } = await scanQueued(terminalId, text);
    const got = await received;
    const v = event.verdict;
    // The terminal beeps once by itself when it decodes (beep_on_scan); the agent's verdict then
    // sends a beep and an LED command. Wait for the verdict's feedback to arrive.
    const want = v.verdict === 'VALID' ? 'good' : 'bad';
    const arrived = (): boolean =>
      engine.feedback.led.kind === want &&
      engine.feedback.beeps.slice(beepsBefore).some((b) => b.kind === want);
    for (let i = 0; i < 100 && !arrived(); i++) await new Promise((r) => setTimeout(r, 20));
    return {
      received: got,
      verdict: v.verdict,
      ...(v.verdict === 'VALID' ? {} : { reason: v.reason }),
      ...(event.ehcIdMasked ? { ehcIdMasked: event.ehcIdMasked } : {}),
      beeps: engine.feedback.beeps.slice(beepsBefore).map((b) => b.kind),
      led: engine.feedback.led.kind,
      ms: performance.now() - t0,
    };
  };
  const devices = (): LabDeviceReport[] =>
    [...terminals.values()].map((t) => {
      const d = agents
        .get(t.config.agent ?? names[0] ?? '')
        ?.agent.runtime.devices()
        .find((x) => x.id === t.config.id);
      return {
        id: t.config.id,
        port: t.device.url,
        driver: d?.driver ?? t.protocol,
        connected: d?.connected ?? false,
        ...(d?.info ? { info: d.info } : {}),
      };
    });

  return {
    spec,
    logger,
    dir,
    pki,
    clock,
    hsm: machines,
    hsmEndpoints,
    central,
    centralEndpoint,
    monitorApp,
    fetch: web.fetch,
    centralClient,
    hsmClient,
    app,
    terminals,
    agents,
    faults,
    terminal,
    agentOf,
    scan,
    scanQueued,
    roundTrip,
    devices,
    stop: () => resources.release(),
  };
}

interface AgentBuild {
  readonly name: string;
  readonly a: LabAgentSpec;
  readonly mine: readonly LabTerminalHandle[];
  readonly dir: string | undefined;
  readonly hsmEndpoints: readonly HsmEndpoint[];
  /** A client the lab owns (TLS, standby, wrapper); otherwise the agent builds its own from the config. */
  readonly hsm: CipherMachine | undefined;
  readonly central: { readonly url: string; readonly app: LabApp } | undefined;
  readonly centralObject: ((termId: string) => CentralClient) | undefined;
  readonly clock: MovableClock;
  readonly logger: Logger;
  readonly resources: Resources;
}

async function startAgent(b: AgentBuild): Promise<LabAgent> {
  const { a, mine, name } = b;
  const first = mine[0]?.config;
  const terminalCode = a.terminalCode ?? first?.terminalCode ?? 'TERM-0001';
  const storage =
    a.storage === 'file'
      ? join(b.dir!, `agent-${name}.db`)
      : typeof a.storage === 'object'
        ? a.storage.file
        : ':memory:';
  const tokens = typeof a.api === 'object' ? a.api.tokens : [randomBytes(16).toString('hex')];
  const config = parseAgentConfig({
    terminal: {
      terminalCode,
      channelCode: a.channelCode ?? first?.channelCode ?? '02',
      medStepCode: a.medStepCode ?? '010101',
    },
    scanners: [
      ...mine.map((t) => ({
        id: t.config.id,
        port: t.device.url,
        driver: t.protocol,
        terminalCode: t.config.terminalCode,
        channelCode: t.config.channelCode,
      })),
      ...(a.scanners ?? []).map((x) => ({
        id: x.id,
        port: x.port,
        ...(x.driver ? { driver: x.driver } : {}),
        ...(x.baudRate ? { baudRate: x.baudRate } : {}),
      })),
    ],
    verify: {
      // With TLS the agent gets the lab's central client object (no config section), so chain/central need it in config: hsm.
      mode: a.verifyMode ?? (b.central && !b.centralObject ? 'chain' : 'hsm'),
      ...(a.dedupeWindowMs === undefined ? {} : { dedupeWindowMs: a.dedupeWindowMs }),
      ...(a.lifetimeS === undefined ? {} : { lifetimeS: a.lifetimeS }),
    },
    ...(b.hsmEndpoints.length > 0
      ? {
          hsm: {
            primary: formatEndpoint(b.hsmEndpoints[0]!),
            ...(b.hsmEndpoints[1] ? { standby: formatEndpoint(b.hsmEndpoints[1]) } : {}),
            timeoutMs: a.hsmTimeoutMs ?? 200,
          },
        }
      : {}),
    ...(b.central && !b.centralObject
      ? {
          central: {
            url: b.central.url,
            appId: b.central.app.appId,
            appSecret: b.central.app.appSecret,
            timeoutMs: 1000,
          },
        }
      : {}),
    storage: { file: storage },
    api: { enabled: !!a.api, host: '127.0.0.1', port: 0, tokens: a.api ? tokens : [] },
    outbox: { batchSize: 50, baseBackoffMs: 50, maxBackoffMs: 2000, ...a.outbox },
    log: { level: 'silent' },
  });
  const initial = a.admin ? strongPassword() : LAB_ADMIN_PASSWORD;
  let adminPassword = initial;
  const make = (): Agent =>
    new Agent({
      config,
      logger: b.logger.child({ component: 'agent', agent: name }),
      ...(b.hsm ? { hsm: b.hsm } : {}),
      ...(b.centralObject ? { central: b.centralObject(terminalCode) } : {}),
      adminPassword: initial,
      fastPasswordHashing: true,
      ...(a.admin ? { adminClock: b.clock.now } : {}),
      ...(a.movableScanClock ? { nowMs: b.clock.now } : {}),
    });
  let agent = make();
  b.resources.defer(`agent ${name}`, () => agent.stop());
  await agent.start();
  await waitForScanners(agent);
  let admin: LabAdmin | undefined;
  if (a.admin) {
    adminPassword = strongPassword();
    await firstAdminLogin(agent.admin, initial, adminPassword);
    admin = b.resources.own(
      labAdmin(agent, b.clock, adminPassword, name),
      `agent ${name} admin access`,
      (x) => x.close(),
    );
  }
  return {
    name,
    get agent() {
      return agent;
    },
    config,
    terminals: mine,
    get adminPassword() {
      return adminPassword;
    },
    admin,
    async restart() {
      await agent.stop();
      agent = make();
      await agent.start();
      await waitForScanners(agent);
    },
  };
}

async function waitForScanners(agent: Agent, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (agent.scanners.summaries().some((s) => !s.connected)) {
    if (Date.now() > deadline) throw new EhcError('LAB_SCANNER_TIMEOUT', 'virtual terminals did not connect');
    await new Promise((r) => setTimeout(r, 20));
  }
}
