import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { errorCodeOf, requestJson } from '../clients/central/https-fetch.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import { EhcError } from '../protocol/errors.js';
import {
  type CentralConfig,
  type CentralServiceHandle,
  type CentralTerminal,
  parseCentralConfig,
  startCentralService,
} from '../sim/central/index.js';
import type { CentralStore } from '../storage/central/contract.js';
import { openCentralStore } from '../storage/central/open.js';
import { TcpProxy } from './net/tcp-proxy.js';
import type { Resources } from './resources.js';
import type { LabApp, LabCentralSpec } from './spec.js';
import type { TestPki } from './tls-material.js';

export interface LabCentralOptions {
  readonly spec: LabCentralSpec;
  readonly app: LabApp;
  readonly monitor?: LabApp;
  readonly terminals: readonly CentralTerminal[];
  readonly pki?: TestPki;
  /** The lab directory (needed for a file database, admin backups). */
  readonly dir?: string;
  /** A cipher-machine client per instance (each instance owns and closes its own). */
  readonly hsmFor: (timeoutMs: number) => CipherMachine;
  readonly logger: Logger;
}

interface Instance {
  readonly service: CentralServiceHandle;
  readonly hsm: CipherMachine;
  /** The instance's own PostgreSQL store (closed with it); SQLite stores belong to the service. */
  readonly store?: CentralStore;
}

/** Central data backup and restore through the admin routes (bearer token, loopback only). */
export interface LabCentralBackup {
  backup(): Promise<string>;
  restore(name: string): Promise<void>;
  counts(): Promise<Readonly<Record<string, number>>>;
}

/**
 * The central EHC service as the lab runs it: one instance (in-memory or file SQLite, or
 * PostgreSQL), or two application-server instances sharing one SQLite file (WAL) or one
 * PostgreSQL database behind a TCP failover relay that
 * stands for the load balancer (each new connection goes to the first instance that accepts;
 * TLS passes through). Stopping an instance closes its server and its store like a crash of that
 * process; restarting brings it back on the same port and database.
 */
export class LabCentral {
  readonly instances: (Instance | undefined)[] = [];
  readonly ports: number[] = [];
  readonly db: string;
  readonly config: CentralConfig;
  readonly adminToken: string | undefined;
  /** The load-balancer relay, when there is one. */
  lb: TcpProxy | undefined;

  private constructor(private readonly o: LabCentralOptions) {
    const { spec, dir } = o;
    const file = spec.postgres === undefined && (spec.db === 'file' || (spec.instances ?? 1) > 1);
    if ((file || spec.admin) && !dir)
      throw new EhcError('LAB_CONFIG', 'a central file or admin needs a directory');
    this.db = spec.postgres?.url ?? (file ? join(dir!, 'central.db') : ':memory:');
    this.adminToken = spec.admin ? randomBytes(18).toString('base64url') : undefined;
    const two = (spec.instances ?? 1) > 1;
    this.config = parseCentralConfig({
      apps: [
        { appId: o.app.appId, appSecret: o.app.appSecret, name: o.app.name ?? 'Lab hospital' },
        ...(o.monitor ? [{ ...o.monitor, methods: ['ehc.monitor.usecard.query'] }] : []),
      ],
      terminals: o.terminals,
      validity: { lifetimeS: spec.lifetimeS ?? 60, skewS: 5, timeZone: 'Asia/Shanghai' },
      requestWindowS: 300,
      // The service's own default (10⁶) unless the spec says: a faster service fills 10⁵ in
      // certify's load items well inside the 300-s window, and a full cache answers BUSY.
      ...(spec.replayCacheMaxEntries === undefined
        ? {}
        : { replayCacheMaxEntries: spec.replayCacheMaxEntries }),
      hsmTimeoutMs: spec.hsmTimeoutMs ?? (two ? 1000 : 200),
      ...(this.adminToken
        ? { admin: { token: this.adminToken, backupDir: join(dir!, 'backups'), allowRemote: false } }
        : {}),
      log: { level: 'silent' },
    });
  }

  static async start(o: LabCentralOptions, resources: Resources): Promise<LabCentral> {
    const c = new LabCentral(o);
    resources.defer('central service', () => c.close());
    for (let i = 0; i < (o.spec.instances ?? 1); i++) c.ports[i] = (await c.startInstance(i, 0, c.db)).port;
    if ((o.spec.instances ?? 1) > 1 || o.spec.relay)
      c.lb = await TcpProxy.start({
        upstreams: c.ports.map((port) => ({ host: '127.0.0.1', port })),
        ...(o.spec.balance === undefined ? {} : { balance: o.spec.balance }),
      });
    return c;
  }

  private async startInstance(i: number, port: number, db: string): Promise<{ port: number }> {
    const hsm = this.o.hsmFor(this.config.hsmTimeoutMs);
    const pgSpec = this.o.spec.postgres;
    let store: CentralStore | undefined;
    try {
      if (pgSpec !== undefined) {
        store = await openCentralStore(pgSpec.url, {
          ...(pgSpec.poolSize === undefined ? {} : { poolSize: pgSpec.poolSize }),
          ...(pgSpec.failoverWaitMs === undefined ? {} : { failoverWaitMs: pgSpec.failoverWaitMs }),
          ...(pgSpec.statementTimeoutMs === undefined
            ? {}
            : { statementTimeoutMs: pgSpec.statementTimeoutMs }),
        });
      }
      const service = await startCentralService({
        hsm,
        config: this.config,
        ...(store === undefined ? { db } : { store }),
        port,
        ...(this.o.pki ? { tls: { cert: this.o.pki.server.cert, key: this.o.pki.server.key } } : {}),
        logger: this.o.logger.child({ peer: 'central', instance: i }),
      });
      this.instances[i] = { service, hsm, ...(store === undefined ? {} : { store }) };
      return { port: Number(new URL(service.origin).port) };
    } catch (e) {
      await store?.close();
      await hsm.close();
      throw e;
    }
  }

  private get scheme(): string {
    return this.o.pki ? 'https' : 'http';
  }

  /** The envelope URL the hospital's systems use (through the load balancer, if any). */
  get url(): string {
    return this.lb ? `${this.scheme}://127.0.0.1:${this.lb.port}/api` : `${this.origin(0)}/api`;
  }

  /** The first instance's service (its store, stats). */
  get primary(): CentralServiceHandle {
    const inst = this.instances[0];
    if (!inst) throw new EhcError('LAB_CENTRAL_DOWN', 'the primary central instance is stopped');
    return inst.service;
  }

  origin(i: number): string {
    return `${this.scheme}://127.0.0.1:${this.ports[i]}`;
  }

  /** The origin of a running instance (admin routes), primary preferred. */
  liveOrigin(): string {
    const i = this.instances.findIndex((x) => x !== undefined);
    return this.origin(Math.max(0, i));
  }

  async stop(i: number): Promise<void> {
    const inst = this.instances[i];
    this.instances[i] = undefined;
    if (!inst) return;
    await inst.service.close();
    await inst.store?.close();
    await inst.hsm.close();
  }

  async restart(i: number): Promise<void> {
    if (this.instances[i] === undefined) await this.startInstance(i, this.ports[i] ?? 0, this.db);
  }

  /** Online backup of the shared database to `file` (through a running instance). */
  async backupTo(file: string): Promise<void> {
    const inst = this.instances.find((x) => x !== undefined);
    if (!inst) throw new EhcError('LAB_CENTRAL_DOWN', 'no central instance is running');
    await inst.service.backup(file);
  }

  /**
   * A further instance on a copy of `backupFile`: the warm standby a backup allows. Closed by
   * the caller, and by `close()` if the caller has not.
   */
  async startWarmStandby(backupFile: string): Promise<{ url: string; close(): Promise<void> }> {
    if (!this.o.dir) throw new EhcError('LAB_CONFIG', 'a warm standby needs the lab directory');
    const copy = join(this.o.dir, `warm-${Date.now()}.db`);
    copyFileSync(backupFile, copy);
    const hsm = this.o.hsmFor(this.config.hsmTimeoutMs);
    const service = await startCentralService({
      hsm,
      config: this.config,
      db: copy,
      ...(this.o.pki ? { tls: { cert: this.o.pki.server.cert, key: this.o.pki.server.key } } : {}),
      logger: this.o.logger.child({ peer: 'central', instance: 'warm' }),
    });
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closed ??= (async () => {
        this.warm.delete(close);
        await service.close();
        await hsm.close();
      })();
      return closed;
    };
    this.warm.add(close);
    return { url: service.url, close };
  }

  private readonly warm = new Set<() => Promise<void>>();

  /** Backup and restore through the admin routes of a running instance (needs `admin`). */
  backupAccess(f: typeof fetch): LabCentralBackup {
    const token = this.adminToken;
    if (!token) throw new EhcError('LAB_CONFIG', 'central admin routes are off (spec central.admin)');
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const r = await requestJson(f, method, `${this.liveOrigin()}${path}`, body, token);
      if (r.status !== 200) {
        throw new EhcError(
          'LAB_CENTRAL_ADMIN',
          `central admin ${path}: HTTP ${r.status} ${errorCodeOf(r) ?? ''}`.trim(),
        );
      }
      return r.json;
    };
    return {
      backup: async () =>
        String((await call('POST', '/admin/backup', { name: `lab-${Date.now()}.db` })).name),
      restore: async (name) => {
        await call('POST', '/admin/restore', { name });
      },
      counts: async () => (await call('GET', '/admin/stats')).counts as Record<string, number>,
    };
  }

  async close(): Promise<void> {
    await this.lb?.close();
    for (const w of [...this.warm]) await w();
    for (const i of this.instances.keys()) await this.stop(i);
  }
}
