import { readFileSync } from 'node:fs';
import { isValidSecret } from '../../protocol/central/crypto.js';
import { assertTimeZone } from '../../protocol/crypto/time-zone.js';
import { CentralSetupError } from './errors.js';

/**
 * The central service's configuration (one JSON file, see config/central.example.json and
 * sim/central/README.md). Apps and their secrets live here only; terminals listed here are
 * registered at start-up (more can be added through the admin route).
 */
export interface CentralApp {
  readonly appId: string;
  /** 16 printable ASCII characters: the SM4 key of biz_content and the digest secret. */
  readonly appSecret: string;
  readonly name: string;
  /** Methods the app may call; absent = all. */
  readonly methods?: readonly string[];
}

export interface CentralTerminal {
  readonly terminalCode: string;
  readonly name: string;
  readonly orgCode: string;
  readonly enabled: boolean;
}

export interface CentralConfig {
  readonly apps: readonly CentralApp[];
  readonly terminals: readonly CentralTerminal[];
  readonly validity: {
    /** Dynamic code lifetime in seconds (default 60). */
    readonly lifetimeS: number;
    /** Clock-skew allowance in seconds (default 5). */
    readonly skewS: number;
    /** Time zone of the validity time (default Asia/Shanghai). */
    readonly timeZone: string;
    /**
     * Successful verifications a dynamic code allows (default 1: single use, as the spec
     * requires); `surplus_num` in the verify reply counts what is left.
     */
    readonly usesPerCode: number;
  };
  /** Requests whose timestamp is more than this many seconds from the clock are refused (default 300). */
  readonly requestWindowS: number;
  /** Largest number of request digests remembered for replay detection (default 1,000,000). */
  readonly replayCacheMaxEntries: number;
  /** Per-call cipher-machine timeout in ms (default 200). */
  readonly hsmTimeoutMs: number;
  /** Org/region code appended to static codes (`<id>:1::<org>`); absent = none. */
  readonly orgCode?: string;
  readonly admin?: {
    /** Bearer token of the admin routes (≥ 16 characters). Absent = admin routes off. */
    readonly token: string;
    /** Where backups are written and read (file names only, no paths, in requests). */
    readonly backupDir: string;
    /** Admin routes answer loopback callers only unless this is true (spec §5.1.1-8). */
    readonly allowRemote: boolean;
  };
  readonly log: { readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent' };
}

export const DEFAULT_CENTRAL_CONFIG: CentralConfig = {
  apps: [],
  terminals: [],
  validity: { lifetimeS: 60, skewS: 5, timeZone: 'Asia/Shanghai', usesPerCode: 1 },
  requestWindowS: 300,
  replayCacheMaxEntries: 1_000_000,
  hsmTimeoutMs: 200,
  log: { level: 'info' },
};

const ID_RE = /^[\w.-]{1,64}$/;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new CentralSetupError('CENTRAL_SETUP_CONFIG', `config ${path}: ${message}`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Obj;
}

function str(o: Obj, key: string, path: string, re?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a string');
  if (re && !re.test(v)) fail(`${path}.${key}`, 'has the wrong format');
  return v;
}

function optStr(o: Obj, key: string, path: string, dflt: string, re?: RegExp): string {
  return o[key] === undefined ? dflt : str(o, key, path, re);
}

function int(o: Obj, key: string, path: string, dflt: number, min: number, max: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(`${path}.${key}`, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

function list(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'must be a list');
  return v;
}

function parseApp(v: unknown, path: string): CentralApp {
  const o = obj(v, path);
  const appId = str(o, 'appId', path, ID_RE);
  if (!isValidSecret(o.appSecret)) fail(`${path}.appSecret`, 'must be 16 printable ASCII characters');
  const methods = o.methods === undefined ? undefined : list(o, 'methods', path);
  if (methods?.some((m) => typeof m !== 'string')) fail(`${path}.methods`, 'must be a list of method names');
  return {
    appId,
    appSecret: o.appSecret,
    name: optStr(o, 'name', path, appId),
    ...(methods === undefined ? {} : { methods: methods as string[] }),
  };
}

function parseTerminal(v: unknown, path: string): CentralTerminal {
  const o = obj(v, path);
  const enabled = o.enabled === undefined ? true : o.enabled;
  if (typeof enabled !== 'boolean') fail(`${path}.enabled`, 'must be true or false');
  const terminalCode = str(o, 'terminalCode', path, ID_RE);
  return {
    terminalCode,
    name: optStr(o, 'name', path, terminalCode),
    orgCode: optStr(o, 'orgCode', path, ''),
    enabled,
  };
}

/** Validates a parsed JSON configuration; defaults fill what is absent. Field-named errors. */
export function parseCentralConfig(value: unknown): CentralConfig {
  const o = obj(value, '(root)');
  const d = DEFAULT_CENTRAL_CONFIG;
  const apps = list(o, 'apps', '(root)').map((a, i) => parseApp(a, `apps[${i}]`));
  const ids = new Set<string>();
  for (const a of apps) {
    if (ids.has(a.appId)) fail('apps', `duplicate appId ${a.appId}`);
    ids.add(a.appId);
  }
  const terminals = list(o, 'terminals', '(root)').map((t, i) => parseTerminal(t, `terminals[${i}]`));
  const vo = o.validity === undefined ? {} : obj(o.validity, 'validity');
  const timeZone = optStr(vo, 'timeZone', 'validity', d.validity.timeZone);
  try {
    assertTimeZone(timeZone);
  } catch {
    fail('validity.timeZone', 'is not a known time zone');
  }
  const lo = o.log === undefined ? {} : obj(o.log, 'log');
  const level = optStr(lo, 'level', 'log', d.log.level);
  if (!(LEVELS as readonly string[]).includes(level))
    fail('log.level', `must be one of ${LEVELS.join(', ')}`);
  let admin: CentralConfig['admin'];
  if (o.admin !== undefined) {
    const ao = obj(o.admin, 'admin');
    const allowRemote = ao.allowRemote === undefined ? false : ao.allowRemote;
    if (typeof allowRemote !== 'boolean') fail('admin.allowRemote', 'must be true or false');
    admin = {
      token: str(ao, 'token', 'admin', /^[\x21-\x7e]{16,256}$/),
      backupDir: str(ao, 'backupDir', 'admin'),
      allowRemote,
    };
  }
  const orgCode = o.orgCode === undefined ? undefined : str(o, 'orgCode', '(root)', /^[0-9A-Za-z]{1,32}$/);
  return {
    apps,
    terminals,
    validity: {
      lifetimeS: int(vo, 'lifetimeS', 'validity', d.validity.lifetimeS, 1, 86_400),
      skewS: int(vo, 'skewS', 'validity', d.validity.skewS, 0, 3600),
      timeZone,
      usesPerCode: int(vo, 'usesPerCode', 'validity', d.validity.usesPerCode, 1, 100),
    },
    requestWindowS: int(o, 'requestWindowS', '(root)', d.requestWindowS, 1, 86_400),
    replayCacheMaxEntries: int(o, 'replayCacheMaxEntries', '(root)', d.replayCacheMaxEntries, 1, 100_000_000),
    hsmTimeoutMs: int(o, 'hsmTimeoutMs', '(root)', d.hsmTimeoutMs, 1, 60_000),
    ...(orgCode === undefined ? {} : { orgCode }),
    ...(admin === undefined ? {} : { admin }),
    log: { level: level as CentralConfig['log']['level'] },
  };
}

/** Reads and validates a configuration file. */
export function loadCentralConfig(file: string): CentralConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CentralSetupError('CENTRAL_SETUP_CONFIG', 'cannot read the configuration file', { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CentralSetupError('CENTRAL_SETUP_CONFIG', 'the configuration file is not JSON', { cause: e });
  }
  return parseCentralConfig(parsed);
}
