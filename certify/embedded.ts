import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CentralClient } from '../clients/central/client.js';
import { httpsFetch } from '../clients/central/https-fetch.js';
import { createHsmClient } from '../clients/hsm/client.js';
import { formatEndpoint } from '../clients/hsm/endpoint.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import type { RuntimeIdentity } from '../firmware-sdk/runtime/options.js';
import type { DeviceIdentity } from '../sim/cipher-machine/config.js';
import { queryMonitor } from './central/monitor.js';
import type { AdminAccess, CertifiedLists, CertifyContext, CertifySettings } from './context.js';
import { embeddedAdmin, firstAdminLogin, strongPassword } from './embedded/admin.js';
import { CentralCluster, HOSPITAL_APP, MONITOR_APP } from './embedded/central-cluster.js';
import { MovableClock } from './embedded/clock.js';
import { embeddedBackup, embeddedFaults } from './embedded/faults.js';
import { Hospital, STATIONS } from './embedded/hospital.js';
import { EmbeddedMachines } from './embedded/machines.js';
import { resolveSettings } from './settings.js';
import { testPki } from './tls-material.js';

/** The lab's certified lists for the embedded run: the reference models (soft cipher machine, virtual terminal). */
export const EMBEDDED_CERTIFIED: CertifiedLists = {
  cipherMachines: [{ vendor: 'ehc-terminal', model: 'EHC-SOFT-HSM', firmware: ['1.0.0'] }],
  terminals: [{ vendor: 'EHC Virtual', model: 'VT-1', firmware: ['1.0.0'], certifiedModelId: 'EHC-VT-1' }],
};

/** The terminal code certification's own business traffic uses at the central service. */
export const LOAD_TERMINAL = 'TERM-CERT01';

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
  close(): Promise<void>;
}

/**
 * `ehc certify --embedded`: the reference system in this process — two soft cipher machines (TLS,
 * client certificates, primary + standby, each behind a link proxy), two central-service
 * instances over HTTPS on one SQLite file behind a failover relay, virtual native terminals and
 * the hospital's agents — with a fresh test PKI (openssl CLI, else the committed fixtures).
 * `close()` stops everything and deletes the working directory.
 */
export async function startEmbedded(o: EmbeddedOptions = {}): Promise<EmbeddedSystem> {
  const progress = o.progress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'ehc-certify-'));
  const closers: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    mkdirSync(join(dir, 'pki'));
    const pki = testPki(join(dir, 'pki'));
    progress(`embedded: TLS material from ${pki.source}`);
    const machines = await EmbeddedMachines.start({
      pki,
      ...(o.machineIdentity ? { identity: o.machineIdentity } : {}),
    });
    closers.push(() => machines.close());
    const adminToken = randomBytes(18).toString('base64url');
    const cluster = await CentralCluster.start({
      pki,
      dir,
      adminToken,
      terminals: [...STATIONS, { terminalCode: LOAD_TERMINAL }].map((s) => ({
        terminalCode: s.terminalCode,
        name: 'name' in s ? s.name : 'certification load',
        orgCode: '5100A0013',
        enabled: true,
      })),
      hsmFor: () => machines.linkClient(1000),
    });
    closers.push(() => cluster.close());
    cluster.lb.latencyMs = o.centralLatencyMs ?? 0;
    const web = httpsFetch({ ca: pki.ca });
    closers.push(() => web.close());
    const clientFor = (termId: string, timeoutMs = 3000): CentralClient =>
      new CentralClient({
        url: cluster.url,
        appId: HOSPITAL_APP.appId,
        appSecret: HOSPITAL_APP.appSecret,
        termId,
        timeoutMs,
        fetch: web.fetch,
      });
    const realAgentHsm = machines.linkClient(1000);
    closers.push(() => realAgentHsm.close());
    const initial = strongPassword();
    const adminPassword = strongPassword();
    const adminClock = new MovableClock();
    const hospital = await Hospital.start({
      dir,
      hsm: o.wrapAgentHsm ? o.wrapAgentHsm(realAgentHsm) : realAgentHsm,
      hsmLinks: machines.linkEndpoints.map(formatEndpoint),
      centralFor: (t) => clientFor(t),
      adminPassword: initial,
      adminClock: adminClock.now,
      kioskToken: randomBytes(18).toString('base64url'),
      ...(o.terminalIdentities ? { terminalIdentities: o.terminalIdentities } : {}),
    });
    closers.push(() => hospital.close());
    await firstAdminLogin(hospital.front.admin, initial, adminPassword);
    const admin = embeddedAdmin(hospital.front, adminClock, adminPassword);
    closers.push(() => admin.close());
    progress(
      `embedded: central ${cluster.url}, agent API ${hospital.front.apiUrl}, ${STATIONS.length} terminals`,
    );

    const ctx: CertifyContext = {
      mode: 'embedded',
      settings: resolveSettings(o.settings),
      certified: o.certified ?? EMBEDDED_CERTIFIED,
      central: {
        url: cluster.url,
        instances: [0, 1].map((i) => ({
          name: `central service ${i === 0 ? 'primary' : 'standby'}`,
          host: '127.0.0.1',
          port: cluster.ports[i]!,
        })),
        ca: pki.ca,
        terminalCode: LOAD_TERMINAL,
        client: (opts) => clientFor(LOAD_TERMINAL, opts?.timeoutMs ?? 3000),
        monitorRecords: (ehcId) =>
          queryMonitor(web.fetch, cluster.url, { ...MONITOR_APP, termId: 'MONITOR' }, ehcId),
        backup: embeddedBackup(cluster, adminToken, web.fetch),
        database: {
          kind: 'sqlite-shared',
          file: cluster.dbFile,
          backupTo: (file) => cluster.backupTo(file),
          startWarmStandby: async (file) => {
            const warm = await cluster.startWarmStandby(file);
            return {
              ...warm,
              client: new CentralClient({
                url: warm.url,
                appId: HOSPITAL_APP.appId,
                appSecret: HOSPITAL_APP.appSecret,
                termId: LOAD_TERMINAL,
                timeoutMs: 3000,
                fetch: web.fetch,
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
        tls: {
          ...machines.clientTls,
          ca: pki.ca,
          cert: pki.client.cert,
          key: pki.client.key,
          rogue: pki.rogueClient,
        },
        client: (index) =>
          createHsmClient({
            endpoints: index === undefined ? machines.directEndpoints : [machines.directEndpoints[index]!],
            tls: machines.clientTls,
            timeoutMs: 2000,
          }),
        keys: { data: 3, sign: 4 },
      },
      admin: o.admin ? o.admin(admin) : admin,
      terminals: hospital.terminalAccess(),
      stations: hospital.stations(),
      faults: embeddedFaults(machines, cluster),
      agentLinks: { apiUrl: hospital.front.apiUrl ?? '', scannerPorts: hospital.scannerPorts },
      memory: () => {
        const m = process.memoryUsage();
        return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
      },
      progress,
    };
    return {
      ctx,
      target: {
        system: 'embedded reference system (in-process)',
        central: `${cluster.url} → instances ${cluster.ports.map((p) => `127.0.0.1:${p}`).join(', ')} (one SQLite file)`,
        cipherMachines: `${machines.directEndpoints.map(formatEndpoint).join(', ')} (TLS, client certificates)`,
        agentApi: hospital.front.apiUrl ?? '',
        terminals: `${STATIONS.length} virtual native terminals on loopback TCP`,
        pki: pki.source,
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
