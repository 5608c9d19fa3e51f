import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CipherMachine } from '../../clients/hsm/types.js';
import {
  type CentralConfig,
  type CentralServiceHandle,
  type CentralTerminal,
  createCentralLogger,
  parseCentralConfig,
  startCentralService,
} from '../../sim/central/index.js';
import { CertifyError } from '../errors.js';
import { TcpProxy } from '../net/tcp-proxy.js';
import type { TestPki } from '../tls-material.js';

export const HOSPITAL_APP = { appId: 'CERT-HOSP-01', appSecret: 'Ct7#hQ2!xZ9@pL4w', name: 'Hospital apps' };
export const MONITOR_APP = { appId: 'CERT-MONITOR-01', appSecret: 'M0n!tor-Cert#24x', name: 'Monitoring' };
export const ADMIN_TOKEN_BYTES = 24;

export interface ClusterOptions {
  readonly pki: TestPki;
  readonly dir: string;
  readonly terminals: readonly CentralTerminal[];
  readonly adminToken: string;
  /** A cipher-machine client per instance (each instance owns and closes its own). */
  readonly hsmFor: () => CipherMachine;
}

interface Instance {
  readonly service: CentralServiceHandle;
  readonly hsm: CipherMachine;
}

/**
 * The central service as a hospital lab runs it: two application-server instances over HTTPS
 * sharing one SQLite database file (WAL), and in front of them a TCP failover relay standing for
 * the load balancer (each new connection goes to the first instance that accepts; TLS passes
 * through to the instance). Stopping an instance closes its server and its store like a crash of
 * that process; restarting brings it back on the same port.
 */
export class CentralCluster {
  readonly instances: (Instance | undefined)[] = [];
  readonly ports: number[] = [];
  readonly dbFile: string;
  readonly config: CentralConfig;
  lb!: TcpProxy;

  private constructor(private readonly o: ClusterOptions) {
    this.dbFile = join(o.dir, 'central.db');
    this.config = parseCentralConfig({
      apps: [HOSPITAL_APP, { ...MONITOR_APP, methods: ['ehc.monitor.usecard.query'] }],
      terminals: o.terminals,
      validity: { lifetimeS: 60, skewS: 5 },
      hsmTimeoutMs: 1000,
      admin: { token: o.adminToken, backupDir: join(o.dir, 'backups'), allowRemote: false },
      log: { level: 'silent' },
    });
  }

  static async start(o: ClusterOptions): Promise<CentralCluster> {
    const c = new CentralCluster(o);
    try {
      for (const i of [0, 1]) c.ports[i] = (await c.startInstance(i, 0, c.dbFile)).port;
      c.lb = await TcpProxy.start({ upstreams: c.ports.map((port) => ({ host: '127.0.0.1', port })) });
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  private async startInstance(i: number, port: number, db: string): Promise<{ port: number }> {
    const hsm = this.o.hsmFor();
    try {
      const service = await startCentralService({
        hsm,
        config: this.config,
        db,
        port,
        tls: { cert: this.o.pki.server.cert, key: this.o.pki.server.key },
        logger: createCentralLogger('silent'),
      });
      this.instances[i] = { service, hsm };
      return { port: Number(new URL(service.origin).port) };
    } catch (e) {
      await hsm.close();
      throw e;
    }
  }

  /** The envelope URL the hospital's systems use (through the load balancer). */
  get url(): string {
    return `https://127.0.0.1:${this.lb.port}/api`;
  }

  origin(i: number): string {
    return `https://127.0.0.1:${this.ports[i]}`;
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
    await inst.hsm.close();
  }

  async restart(i: number): Promise<void> {
    if (this.instances[i] === undefined) await this.startInstance(i, this.ports[i] ?? 0, this.dbFile);
  }

  /** Online backup of the shared database to `file` (through a running instance). */
  async backupTo(file: string): Promise<void> {
    const inst = this.instances.find((x) => x !== undefined);
    if (!inst) throw new CertifyError('CERTIFY_SETUP', 'no central instance is running');
    await inst.service.backup(file);
  }

  /** A third instance on a copy of `backupFile`: the warm standby a backup allows. */
  async startWarmStandby(backupFile: string): Promise<{ url: string; close(): Promise<void> }> {
    const copy = join(this.o.dir, `warm-${Date.now()}.db`);
    copyFileSync(backupFile, copy);
    const hsm = this.o.hsmFor();
    const service = await startCentralService({
      hsm,
      config: this.config,
      db: copy,
      tls: { cert: this.o.pki.server.cert, key: this.o.pki.server.key },
      logger: createCentralLogger('silent'),
    });
    return {
      url: service.url,
      close: async () => {
        await service.close();
        await hsm.close();
      },
    };
  }

  async close(): Promise<void> {
    await this.lb?.close();
    for (const i of this.instances.keys()) await this.stop(i);
  }
}
