import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CertifiedModel, CertifySettings } from '../context.js';
import { CertifyError } from '../errors.js';

/**
 * `--target <config.json>`: the systems under test (see config/certify-target.example.json and
 * certify/README.md). File paths are relative to the configuration file.
 */
export interface TargetConfig {
  readonly settings: Partial<CertifySettings>;
  readonly certified: { readonly cipherMachines: CertifiedModel[]; readonly terminals: CertifiedModel[] };
  readonly central: {
    readonly url: string;
    readonly instances: string[];
    readonly ca?: string;
    readonly app: { readonly appId: string; readonly appSecret: string };
    readonly monitorApp: { readonly appId: string; readonly appSecret: string };
    readonly terminalCode: string;
    readonly admin?: { readonly origin: string; readonly token: string };
    /**
     * How the database is deployed: a description (5.5-2 then waits for the lab engineer), or the
     * PostgreSQL primary and standby URLs (5.5-2 checks the replication itself).
     */
    readonly database?: string | { readonly primary: string; readonly standby: string };
  };
  readonly cipherMachines: {
    readonly machines: string[];
    readonly tls?: {
      readonly ca: string;
      readonly cert: string;
      readonly key: string;
      readonly rogueCert?: string;
      readonly rogueKey?: string;
    };
    readonly keys: { readonly data: number; readonly sign: number };
  };
  readonly agent: {
    readonly apiUrl: string;
    readonly apiCa?: string;
    readonly kioskToken: string;
    readonly admin: {
      readonly name: string;
      readonly password: string;
      readonly defaultAdminName: string;
      readonly waitIdleTimeout: boolean;
    };
    readonly scannerPorts: string[];
  };
  readonly terminals: { readonly id: string; readonly port: string; readonly driver?: string }[];
  readonly stations: {
    readonly name: string;
    readonly scannerId: string;
    readonly listen: string;
    readonly medStepCode: string;
    readonly channelCode: string;
    readonly terminalCode: string;
  }[];
  readonly faults: {
    readonly mode: 'proxy' | 'manual';
    readonly cipherMachineProxies: { readonly listen: string; readonly upstream: string }[];
    readonly centralPrimaryProxy?: { readonly listen: string; readonly upstream: string };
  };
}

type Obj = Record<string, unknown>;

const fail = (path: string, why: string): never => {
  throw new CertifyError('CERTIFY_CONFIG', `target config ${path}: ${why}`);
};
const obj = (v: unknown, path: string): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : fail(path, 'must be an object');
const str = (o: Obj, k: string, path: string): string =>
  typeof o[k] === 'string' && (o[k] as string).length > 0
    ? (o[k] as string)
    : fail(`${path}.${k}`, 'must be a non-empty string');
const optStr = (o: Obj, k: string, path: string): string | undefined =>
  o[k] === undefined ? undefined : str(o, k, path);
const list = (o: Obj, k: string, path: string): unknown[] =>
  o[k] === undefined
    ? []
    : Array.isArray(o[k])
      ? (o[k] as unknown[])
      : fail(`${path}.${k}`, 'must be a list');
const strs = (o: Obj, k: string, path: string): string[] =>
  list(o, k, path).map((v, i) =>
    typeof v === 'string' ? v : fail(`${path}.${k}[${i}]`, 'must be a string'),
  );
const int = (o: Obj, k: string, path: string, d: number): number => {
  const v = o[k] ?? d;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0
    ? v
    : fail(`${path}.${k}`, 'must be a whole number');
};
const HOST_PORT = /^[\w.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const hostPort = (v: string, path: string): string =>
  HOST_PORT.test(v) ? v : fail(path, 'must be host:port');

function model(v: unknown, path: string): CertifiedModel {
  const o = obj(v, path);
  const vendor = optStr(o, 'vendor', path);
  const id = optStr(o, 'certifiedModelId', path);
  return {
    model: str(o, 'model', path),
    ...(vendor ? { vendor } : {}),
    ...(o.firmware === undefined ? {} : { firmware: strs(o, 'firmware', path) }),
    ...(id ? { certifiedModelId: id } : {}),
  };
}

function app(v: unknown, path: string): { appId: string; appSecret: string } {
  const o = obj(v, path);
  const appSecret = str(o, 'appSecret', path);
  if (appSecret.length !== 16) fail(`${path}.appSecret`, 'must be 16 characters');
  return { appId: str(o, 'appId', path), appSecret };
}

function proxy(v: unknown, path: string): { listen: string; upstream: string } {
  const o = obj(v, path);
  return {
    listen: hostPort(str(o, 'listen', path), `${path}.listen`),
    upstream: hostPort(str(o, 'upstream', path), `${path}.upstream`),
  };
}

/** Validates a parsed target configuration; paths resolved against `baseDir`. */
export function parseTargetConfig(json: unknown, baseDir: string): TargetConfig {
  const root = obj(json, '(root)');
  const file = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : resolve(baseDir, p);
  const c = obj(root.central, 'central');
  const h = obj(root.cipherMachines, 'cipherMachines');
  const a = obj(root.agent, 'agent');
  const ad = obj(a.admin, 'agent.admin');
  const f = obj(root.faults ?? { mode: 'manual' }, 'faults');
  const cert = obj(root.certified ?? {}, 'certified');
  const mode =
    f.mode === 'proxy' || f.mode === 'manual' ? f.mode : fail('faults.mode', 'must be proxy or manual');
  const htls = h.tls === undefined ? undefined : obj(h.tls, 'cipherMachines.tls');
  const cadmin = c.admin === undefined ? undefined : obj(c.admin, 'central.admin');
  const keys = obj(h.keys ?? {}, 'cipherMachines.keys');
  const s = obj(root.settings ?? {}, 'settings');
  const settings: Partial<CertifySettings> = {};
  for (const k of ['users', 'durationS', 'soakS', 'minTps', 'maxLatencyMs'] as const) {
    if (s[k] !== undefined)
      (settings as Record<string, number>)[k] =
        typeof s[k] === 'number' ? s[k] : fail(`settings.${k}`, 'must be a number');
  }
  const rogueCert = htls ? file(optStr(htls, 'rogueCert', 'cipherMachines.tls')) : undefined;
  const rogueKey = htls ? file(optStr(htls, 'rogueKey', 'cipherMachines.tls')) : undefined;
  const apiCa = file(optStr(a, 'apiCa', 'agent'));
  const ca = file(optStr(c, 'ca', 'central'));
  const database =
    typeof c.database === 'object' && c.database !== null
      ? {
          primary: str(c.database as Obj, 'primary', 'central.database'),
          standby: str(c.database as Obj, 'standby', 'central.database'),
        }
      : optStr(c, 'database', 'central');
  const cpp =
    f.centralPrimaryProxy === undefined
      ? undefined
      : proxy(f.centralPrimaryProxy, 'faults.centralPrimaryProxy');
  return {
    settings,
    certified: {
      cipherMachines: list(cert, 'cipherMachines', 'certified').map((v, i) =>
        model(v, `certified.cipherMachines[${i}]`),
      ),
      terminals: list(cert, 'terminals', 'certified').map((v, i) => model(v, `certified.terminals[${i}]`)),
    },
    central: {
      url: str(c, 'url', 'central'),
      instances: strs(c, 'instances', 'central').map((v, i) => hostPort(v, `central.instances[${i}]`)),
      ...(ca ? { ca } : {}),
      app: app(c.app, 'central.app'),
      monitorApp: app(c.monitorApp, 'central.monitorApp'),
      terminalCode: str(c, 'terminalCode', 'central'),
      ...(cadmin
        ? {
            admin: {
              origin: str(cadmin, 'origin', 'central.admin'),
              token: str(cadmin, 'token', 'central.admin'),
            },
          }
        : {}),
      ...(database ? { database } : {}),
    },
    cipherMachines: {
      machines: strs(h, 'machines', 'cipherMachines').map((v, i) =>
        hostPort(v, `cipherMachines.machines[${i}]`),
      ),
      ...(htls
        ? {
            tls: {
              ca: file(str(htls, 'ca', 'cipherMachines.tls'))!,
              cert: file(str(htls, 'cert', 'cipherMachines.tls'))!,
              key: file(str(htls, 'key', 'cipherMachines.tls'))!,
              ...(rogueCert && rogueKey ? { rogueCert, rogueKey } : {}),
            },
          }
        : {}),
      keys: {
        data: int(keys, 'data', 'cipherMachines.keys', 3),
        sign: int(keys, 'sign', 'cipherMachines.keys', 4),
      },
    },
    agent: {
      apiUrl: str(a, 'apiUrl', 'agent'),
      ...(apiCa ? { apiCa } : {}),
      kioskToken: str(a, 'kioskToken', 'agent'),
      admin: {
        name: str(ad, 'name', 'agent.admin'),
        password: str(ad, 'password', 'agent.admin'),
        defaultAdminName: optStr(ad, 'defaultAdminName', 'agent.admin') ?? 'admin',
        waitIdleTimeout: ad.waitIdleTimeout === true,
      },
      scannerPorts: strs(a, 'scannerPorts', 'agent'),
    },
    terminals: list(root, 'terminals', '(root)').map((v, i) => {
      const o = obj(v, `terminals[${i}]`);
      const driver = optStr(o, 'driver', `terminals[${i}]`);
      return {
        id: str(o, 'id', `terminals[${i}]`),
        port: str(o, 'port', `terminals[${i}]`),
        ...(driver ? { driver } : {}),
      };
    }),
    stations: list(root, 'stations', '(root)').map((v, i) => {
      const o = obj(v, `stations[${i}]`);
      const p = `stations[${i}]`;
      return {
        name: str(o, 'name', p),
        scannerId: str(o, 'scannerId', p),
        listen: hostPort(str(o, 'listen', p), `${p}.listen`),
        medStepCode: str(o, 'medStepCode', p),
        channelCode: str(o, 'channelCode', p),
        terminalCode: str(o, 'terminalCode', p),
      };
    }),
    faults: {
      mode,
      cipherMachineProxies: list(f, 'cipherMachineProxies', 'faults').map((v, i) =>
        proxy(v, `faults.cipherMachineProxies[${i}]`),
      ),
      ...(cpp ? { centralPrimaryProxy: cpp } : {}),
    },
  };
}

export function loadTargetConfig(path: string): TargetConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CertifyError('CERTIFY_CONFIG', `cannot read target config ${path}`, { cause: e });
  }
  return parseTargetConfig(json, dirname(resolve(path)));
}
