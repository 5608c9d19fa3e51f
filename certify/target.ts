import { readFileSync } from 'node:fs';
import { CentralClient } from '../clients/central/client.js';
import { errorCodeOf, httpsFetch, requestJson } from '../clients/central/https-fetch.js';
import { createHsmClient } from '../clients/hsm/client.js';
import { parseEndpoint } from '../clients/hsm/endpoint.js';
import { driverRegistry, isDriverName } from '../devices/drivers/registry.js';
import { openPort } from '../devices/session/open-port.js';
import { queryMonitor } from './central/monitor.js';
import type { CertifyContext, TerminalReport } from './context.js';
import { CertifyError } from './errors.js';
import { resolveSettings } from './settings.js';
import { loadTargetConfig, type TargetConfig } from './target/config.js';
import { type askOperator, targetFaults } from './target/faults.js';
import { TargetStation } from './target/stations.js';

export interface TargetSystem {
  readonly ctx: CertifyContext;
  readonly target: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const read = (file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CertifyError('CERTIFY_CONFIG', `cannot read ${file}`, { cause: e });
  }
};

/** Opens a terminal port directly and reads what the device reports (the agent must not hold it). */
async function probeTerminal(t: TargetConfig['terminals'][number]): Promise<TerminalReport> {
  try {
    const { session } = await openPort({
      port: t.port,
      registry: driverRegistry,
      ...(t.driver && isDriverName(t.driver) ? { driver: t.driver } : {}),
    });
    try {
      const info = session.info();
      return {
        id: t.id,
        port: t.port,
        driver: session.driverName,
        connected: session.connected,
        ...(info ? { info } : {}),
      };
    } finally {
      await session.close();
    }
  } catch {
    return { id: t.id, port: t.port, driver: t.driver ?? 'probe', connected: false };
  }
}

/**
 * `ehc certify --target <config.json>`: a context for real systems described by the config file
 * (see config/certify-target.example.json). Certification starts only what it needs: its fault
 * relays (`proxy` mode) and the virtual terminals of the stations the agent under test connects to.
 */
export async function startTarget(
  file: string,
  o: {
    progress?: (line: string) => void;
    settings?: Partial<CertifyContext['settings']>;
    ask?: typeof askOperator;
  } = {},
): Promise<TargetSystem> {
  const cfg = loadTargetConfig(file);
  const progress = o.progress ?? (() => {});
  const centralCa = cfg.central.ca ? read(cfg.central.ca) : undefined;
  const apiCa = cfg.agent.apiCa ? read(cfg.agent.apiCa) : undefined;
  const web = httpsFetch(centralCa ? { ca: centralCa } : {});
  const agentWeb = httpsFetch(apiCa ? { ca: apiCa } : {});
  const stations = cfg.stations.map(
    (s) =>
      new TargetStation(s, { url: cfg.agent.apiUrl, token: cfg.agent.kioskToken, fetch: agentWeb.fetch }),
  );
  const closers: (() => Promise<void> | void)[] = [() => web.close(), () => agentWeb.close()];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    for (const s of stations) {
      await s.listen();
      closers.push(() => s.close());
    }
    const faults = await targetFaults(cfg.faults, o.ask);
    closers.push(() => faults.close());
    const t = cfg.cipherMachines.tls;
    const tls = t ? { ca: read(t.ca), cert: read(t.cert), key: read(t.key) } : undefined;
    const machines = cfg.cipherMachines.machines.map(parseEndpoint);
    const client = (termId: string, timeoutMs: number): CentralClient =>
      new CentralClient({ url: cfg.central.url, ...cfg.central.app, termId, timeoutMs, fetch: web.fetch });
    const admin = cfg.central.admin;
    const adminCall = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const r = await requestJson(web.fetch, method, `${admin!.origin}${path}`, body, admin!.token);
      if (r.status !== 200)
        throw new CertifyError(
          'CERTIFY_PROBE',
          `central admin ${path}: HTTP ${r.status} ${errorCodeOf(r) ?? ''}`.trim(),
        );
      return r.json;
    };
    const ctx: CertifyContext = {
      mode: 'target',
      settings: resolveSettings({ ...cfg.settings, ...o.settings }),
      certified: cfg.certified,
      central: {
        url: cfg.central.url,
        instances: cfg.central.instances.map((hp, i) => ({
          name: `application server ${i + 1}`,
          ...parseEndpoint(hp),
        })),
        ...(centralCa ? { ca: centralCa } : {}),
        terminalCode: cfg.central.terminalCode,
        client: (opts) => client(cfg.central.terminalCode, opts?.timeoutMs ?? 3000),
        monitorRecords: (ehcId) =>
          queryMonitor(
            web.fetch,
            cfg.central.url,
            { ...cfg.central.monitorApp, termId: cfg.central.terminalCode },
            ehcId,
          ),
        ...(admin
          ? {
              backup: {
                backup: async () =>
                  String(
                    (await adminCall('POST', '/admin/backup', { name: `certify-${Date.now()}.db` })).name,
                  ),
                restore: async (name: string) => {
                  await adminCall('POST', '/admin/restore', { name });
                },
                counts: async () => (await adminCall('GET', '/admin/stats')).counts as Record<string, number>,
              },
            }
          : {}),
        database:
          typeof cfg.central.database === 'object'
            ? { kind: 'postgres-standby', ...cfg.central.database }
            : {
                kind: 'external',
                description: cfg.central.database ?? 'not described in the target configuration',
              },
      },
      cipherMachines: {
        machines: machines.map((e, i) => ({
          name: `cipher machine ${i === 0 ? 'primary' : `standby ${i}`}`,
          ...e,
        })),
        ...(tls
          ? {
              tls: {
                ...tls,
                ...(t?.rogueCert && t.rogueKey
                  ? { rogue: { cert: read(t.rogueCert), key: read(t.rogueKey) } }
                  : {}),
              },
            }
          : {}),
        client: (index) =>
          createHsmClient({
            endpoints: index === undefined ? machines : [machines[index]!],
            ...(tls ? { tls } : {}),
            timeoutMs: 2000,
          }),
        keys: cfg.cipherMachines.keys,
      },
      admin: {
        url: cfg.agent.apiUrl,
        ...(apiCa ? { ca: apiCa } : {}),
        adminName: cfg.agent.admin.name,
        adminPassword: cfg.agent.admin.password,
        defaultAdminName: cfg.agent.admin.defaultAdminName,
        waitIdleTimeout: cfg.agent.admin.waitIdleTimeout,
      },
      terminals: {
        list: () => Promise.all(cfg.terminals.map(probeTerminal)),
        roundTrip: (text) => {
          const s = stations[0];
          if (!s)
            throw new CertifyError('CERTIFY_CONFIG', 'no station is configured for the terminal round trip');
          return s.roundTrip(text);
        },
      },
      stations: stations.map((s) => s.station()),
      faults,
      agentLinks: {
        apiUrl: cfg.agent.apiUrl,
        ...(apiCa ? { apiCa } : {}),
        scannerPorts: cfg.agent.scannerPorts,
      },
      progress,
    };
    progress(
      `target: central ${cfg.central.url}, ${machines.length} cipher machines, agent ${cfg.agent.apiUrl}, faults ${cfg.faults.mode}`,
    );
    return {
      ctx,
      target: {
        system: `target (${file})`,
        central: cfg.central.url,
        cipherMachines: cfg.cipherMachines.machines.join(', '),
        agentApi: cfg.agent.apiUrl,
        terminals: cfg.terminals.map((x) => x.port).join(', ') || 'none configured',
        faults: cfg.faults.mode,
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
