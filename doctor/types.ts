/**
 * `ehc doctor`: the contracts. A check family (node, native, devices, config, keys, peers, clock,
 * storage) looks at one concern through the injected `DoctorEnv` and returns one result per thing
 * it looked at. A check never throws for what it finds (a missing file is a `fail` result, not an
 * exception); the runner turns a throw or a hang into a `fail` line anyway.
 */
import type { Dirent, StatsFs } from 'node:fs';
import type { AgentConfig } from '../agent/config/agent-config.js';
import type { FetchHandle } from '../clients/central/https-fetch.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the report. */
export interface CheckResult {
  /** The family: `node`, `native`, `devices`, `config`, `keys`, `peers`, `clock`, `storage`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, e.g. `key file /etc/ehc/client.key mode 0644`. */
  readonly detail: string;
  /** What to do about it, in words (warn and fail only). */
  readonly fix?: string;
  /** The configuration field a config problem is about, as a JSON path (`verify.lifetimeS`). */
  readonly path?: string;
}

/** The file-system calls the checks make (node:fs/promises by default; tests fake faults). */
export interface DoctorFs {
  readFile(path: string): Promise<Buffer>;
  readdir(path: string): Promise<Dirent[]>;
  stat(path: string): Promise<{ mode: number; uid: number; gid: number; size: number }>;
  /** Rejects (EACCES) when this process may not open `path` with `mode` (fs.constants R_OK | W_OK). */
  access(path: string, mode: number): Promise<void>;
  statfs(path: string): Promise<Pick<StatsFs, 'bavail' | 'bsize'>>;
}

/** Everything a check reads from the machine, injected so that faults can be faked. */
export interface DoctorEnv {
  /** `process.version`. */
  readonly nodeVersion: string;
  /** ms since the epoch: the clock compared with the peers' and the certificates' dates. */
  now(): number;
  /** Imports a module by its package name (`usb`, `node-hid`, `@serialport/bindings-cpp`, `better-sqlite3`); may throw. */
  loadModule(name: string): Promise<unknown>;
  readonly fs: DoctorFs;
  /** Root of sysfs (`/sys`) and of device nodes (`/dev`). */
  readonly sysRoot: string;
  readonly devRoot: string;
  /** The group database (`/etc/group`), to name a device node's group. */
  readonly groupFile: string;
  /** The udev rule the project installs for scanners (`/etc/udev/rules.d/70-ehc-scanners.rules`). */
  readonly udevRuleFile: string;
  /** A fetch for the central service, HTTPS checked against `ca` when given (the project's `httpsFetch`). */
  makeFetch(ca?: Buffer): FetchHandle;
  /** EHC_* overrides, as the agent reads them. */
  readonly vars: Readonly<Record<string, string | undefined>>;
}

/** What a check is given. */
export interface DoctorContext {
  readonly env: DoctorEnv;
  /** The validated configuration, when `--config` named a valid one. */
  readonly config?: AgentConfig;
  /** Aborted when the check's time is up: close sockets and stop. */
  readonly signal: AbortSignal;
  /** Runs `fn` once per doctor run for `key` (peers and clock share one probe of each peer). */
  once<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface Check {
  readonly id: string;
  /** The runner's limit for this check (default `RunOptions.timeoutMs`). */
  readonly timeoutMs?: (config: AgentConfig | undefined) => number;
  run(ctx: DoctorContext): Promise<readonly CheckResult[]>;
}
