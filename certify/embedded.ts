import { randomBytes } from 'node:crypto';
import { CentralClient } from '../clients/central/client.js';
import { createHsmClient } from '../clients/hsm/client.js';
import { formatEndpoint } from '../clients/hsm/endpoint.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import type { RuntimeIdentity } from '../firmware-sdk/runtime/options.js';
import type { LabTerminal } from '../lab/spec.js';
import type { LabSystem } from '../lab/start.js';
import { startLab } from '../lab/start.js';
import type { DeviceIdentity } from '../sim/cipher-machine/config.js';
import { queryMonitor } from './central/monitor.js';
import type { AdminAccess, CertifiedLists, CertifyContext, CertifySettings, Station } from './context.js';
import { CertifyError } from './errors.js';
import { resolveSettings } from './settings.js';

/** The lab's certified lists for the embedded run: the reference models (soft cipher machine, virtual terminal). */
export const EMBEDDED_CERTIFIED: CertifiedLists = {
  cipherMachines: [{ vendor: 'ehc-terminal', model: 'EHC-SOFT-HSM', firmware: ['1.0.0'] }],
  terminals: [{ vendor: 'EHC Virtual', model: 'VT-1', firmware: ['1.0.0'], certifiedModelId: 'EHC-VT-1' }],
};

/** The terminal code certification's own business traffic uses at the central service. */
export const LOAD_TERMINAL = 'TERM-CERT01';
export const HOSPITAL_APP = { appId: 'CERT-HOSP-01', appSecret: 'Ct7#hQ2!xZ9@pL4w', name: 'Hospital apps' };
export const MONITOR_APP = { appId: 'CERT-MONITOR-01', appSecret: 'M0n!tor-Cert#24x', name: 'Monitoring' };

/** Where codes are scanned in the embedded hospital: one agent per visit step, as departments run them. */
interface StationSpec {
  readonly name: string;
  readonly agent: string;
  readonly scannerId: string;
  readonly medStepCode: string;
  readonly channelCode: '01' | '02' | '99';
  readonly terminalCode: string;
}

export const STATIONS: readonly StationSpec[] = [
  {
    name: 'registration window',
    agent: 'front',
    scannerId: 'window-1',
    medStepCode: '010101',
    channelCode: '01',
    terminalCode: 'TERM-W01',
  },
  {
    name: 'self-service kiosk',
    agent: 'front',
    scannerId: 'kiosk-1',
    medStepCode: '010101',
    channelCode: '02',
    terminalCode: 'TERM-K01',
  },
  {
    name: 'consulting room',
    agent: 'clinic',
    scannerId: 'desk-1',
    medStepCode: '010102',
    channelCode: '99',
    terminalCode: 'TERM-C01',
  },
  {
    name: 'pharmacy window',
    agent: 'pharmacy',
    scannerId: 'pharmacy-1',
    medStepCode: '010103',
    channelCode: '01',
    terminalCode: 'TERM-P01',
  },
  {
    name: 'payment kiosk',
    agent: 'cashier',
    scannerId: 'pay-1',
    medStepCode: '010105',
    channelCode: '02',
    terminalCode: 'TERM-K02',
  },
];

export interface EmbeddedOptions {
  readonly settings?: Partial<CertifySettings>;
  readonly certified?: CertifiedLists;
  readonly progress?: (line: string) => void;
  /** Broken-target knobs (tests): replaces the agents' cipher-machine client with a wrapper. */
  readonly wrapAgentHsm?: (real: CipherMachine) => CipherMachine;
  /** Delays every reply of the central service's load balancer, ms. */
  readonly centralLatencyMs?: number;
  /** Per scanner id, the identity its terminal reports. */
  readonly terminalIdentities?: Readonly<Record<string, Partial<RuntimeIdentity>>>;
  readonly machineIdentity?: Partial<DeviceIdentity>;
  /** Replaces the admin interface the checks probe. */
  readonly admin?: (real: AdminAccess) => AdminAccess;
}

export interface EmbeddedSystem {
  readonly ctx: CertifyContext;
  /** What was certified, for the report header. */
  readonly target: Readonly<Record<string, string>>;
  /** The lab it runs on. */
  readonly lab: LabSystem;
  close(): Promise<void>;
}

/**
 * `ehc certify --embedded`: the reference system, built by the lab (`startLab`) — two soft cipher
 * machines (TLS, client certificates, primary + standby, each behind a link relay), two central
 * instances over HTTPS on one SQLite file behind a failover relay, the monitoring app, virtual
 * native terminals and the hospital's agents (front with the local API and its administrators on
 * a movable account clock, then one agent per later visit step), with a fresh test PKI. This
 * file only says what certification needs and hands the lab's handles to the checks.
 * `close()` stops the lab (every port, file and timer).
 */
export async function startEmbedded(o: EmbeddedOptions = {}): Promise<EmbeddedSystem> {
  const progress = o.progress ?? (() => {});
  const kioskToken = randomBytes(18).toString('base64url');
  const agentNames = [...new Set(STATIONS.map((s) => s.agent))];
  const terminals: LabTerminal[] = STATIONS.map((s) => ({
    id: s.scannerId,
    name: s.name,
    terminalCode: s.terminalCode,
    channelCode: s.channelCode,
    agent: s.agent,
    identity: { serial: `VT-${s.scannerId}`, ...o.terminalIdentities?.[s.scannerId] },
  }));
  const lab = await startLab({
    tls: true,
    hsm: { machines: 2, links: true, ...(o.machineIdentity ? { identity: o.machineIdentity } : {}) },
    central: {
      instances: 2,
      app: HOSPITAL_APP,
      orgCode: '5100A0013',
      terminals: [
        { terminalCode: LOAD_TERMINAL, name: 'certification load', orgCode: '5100A0013', enabled: true },
      ],
      admin: true,
      lifetimeS: 60,
    },
    monitoring: MONITOR_APP,
    terminals,
    agents: agentNames.map((name) => {
      const first = STATIONS.find((s) => s.agent === name)!;
      return {
        name,
        verifyMode: 'hsm' as const,
        hsmTimeoutMs: 1000,
        medStepCode: first.medStepCode,
        storage: 'file' as const,
        outbox: { baseBackoffMs: 200, maxBackoffMs: 2000 },
        ...(name === 'front' ? { api: { tokens: [kioskToken] }, admin: true } : {}),
        ...(o.wrapAgentHsm ? { wrapHsm: o.wrapAgentHsm } : {}),
      };
    }),
    clock: 'movable',
    faults: ['cipher-machine-links', 'cipher-machine-primary', 'central-primary', 'central-latency'],
  });
  try {
    return describeEmbedded(lab, o, progress);
  } catch (e) {
    await lab.stop();
    throw e;
  }
}

function describeEmbedded(
  lab: LabSystem,
  o: EmbeddedOptions,
  progress: (line: string) => void,
): EmbeddedSystem {
  const machines = lab.hsm!;
  const central = lab.central!;
  const pki = lab.pki!;
  const front = lab.agents.get('front')!;
  if (o.centralLatencyMs) central.lb!.latencyMs = o.centralLatencyMs;
  progress(`embedded: TLS material from ${pki.source}`);
  progress(`embedded: central ${central.url}, agent API ${front.agent.apiUrl}, ${STATIONS.length} terminals`);
  const admin = front.admin!;
  const stations: Station[] = STATIONS.map((spec) => ({
    name: spec.name,
    medStepCode: spec.medStepCode,
    channelCode: spec.channelCode,
    terminalCode: spec.terminalCode,
    scan: async (text) => {
      const { event, ms } = await lab.scanQueued(spec.scannerId, text).catch((e: unknown) => {
        throw new CertifyError('CERTIFY_PROBE', `no verdict from ${spec.name}`, { cause: e });
      });
      const v = event.verdict;
      return {
        verdict: v.verdict,
        by: v.by,
        ...(v.verdict === 'VALID' ? {} : { reason: v.reason }),
        ...(event.ehcIdMasked ? { ehcIdMasked: event.ehcIdMasked } : {}),
        ms,
      };
    },
    flush: () => lab.agents.get(spec.agent)!.agent.flushOutbox(),
  }));
  const clientFor = (termId: string, timeoutMs = 3000) => lab.centralClient(termId, timeoutMs);
  const ctx: CertifyContext = {
    mode: 'embedded',
    settings: resolveSettings(o.settings),
    certified: o.certified ?? EMBEDDED_CERTIFIED,
    central: {
      url: central.url,
      instances: [0, 1].map((i) => ({
        name: `central service ${i === 0 ? 'primary' : 'standby'}`,
        host: '127.0.0.1',
        port: central.ports[i]!,
      })),
      ca: pki.ca,
      terminalCode: LOAD_TERMINAL,
      client: (opts) => clientFor(LOAD_TERMINAL, opts?.timeoutMs ?? 3000),
      monitorRecords: (ehcId) =>
        queryMonitor(lab.fetch, central.url, { ...MONITOR_APP, termId: 'MONITOR' }, ehcId),
      backup: central.backupAccess(lab.fetch),
      database: {
        kind: 'sqlite-shared',
        file: central.db,
        backupTo: (file) => central.backupTo(file),
        startWarmStandby: async (file) => {
          const warm = await central.startWarmStandby(file);
          return {
            ...warm,
            client: new CentralClient({
              url: warm.url,
              appId: HOSPITAL_APP.appId,
              appSecret: HOSPITAL_APP.appSecret,
              termId: LOAD_TERMINAL,
              timeoutMs: 3000,
              fetch: lab.fetch,
            }),
          };
        },
      },
    },
    cipherMachines: {
      machines: machines.directEndpoints.map((e, i) => ({
        name: `cipher machine ${i === 0 ? 'primary' : 'standby'}`,
        ...e,
      })),
      tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key, rogue: pki.rogueClient },
      client: (index) =>
        createHsmClient({
          endpoints: index === undefined ? machines.directEndpoints : [machines.directEndpoints[index]!],
          tls: machines.clientTls!,
          timeoutMs: 2000,
        }),
      keys: { data: 3, sign: 4 },
    },
    admin: o.admin ? o.admin(admin) : admin,
    terminals: {
      list: async () => lab.devices(),
      roundTrip: (text) => lab.roundTrip(STATIONS[0]!.scannerId, text),
    },
    stations,
    faults: {
      kind: 'embedded',
      cutCipherMachines: () => lab.faults.inject('cipher-machine-links'),
      restoreCipherMachines: () => lab.faults.clear('cipher-machine-links'),
      stopCentralPrimary: () => lab.faults.inject('central-primary'),
      restartCentralPrimary: () => lab.faults.clear('central-primary'),
      stopCipherMachinePrimary: () => lab.faults.inject('cipher-machine-primary'),
      restartCipherMachinePrimary: () => lab.faults.clear('cipher-machine-primary'),
    },
    agentLinks: { apiUrl: front.agent.apiUrl ?? '', scannerPorts: lab.devices().map((d) => d.port) },
    memory: () => {
      const m = process.memoryUsage();
      return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
    },
    progress,
  };
  return {
    ctx,
    lab,
    target: {
      system: 'embedded reference system (in-process)',
      central: `${central.url} → instances ${central.ports.map((p) => `127.0.0.1:${p}`).join(', ')} (one SQLite file)`,
      cipherMachines: `${machines.directEndpoints.map(formatEndpoint).join(', ')} (TLS, client certificates)`,
      agentApi: front.agent.apiUrl ?? '',
      terminals: `${STATIONS.length} virtual native terminals on loopback TCP`,
      pki: pki.source,
    },
    close: () => lab.stop(),
  };
}
