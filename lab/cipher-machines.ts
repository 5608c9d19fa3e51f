import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createHsmClient } from '../clients/hsm/client.js';
import type { CipherMachine, HsmClientTls, HsmEndpoint } from '../clients/hsm/types.js';
import { EhcError } from '../protocol/errors.js';
import { type KeyEntry, toKeyFileJson } from '../sim/cipher-machine/key-file.js';
import { generateKeys } from '../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../sim/cipher-machine/server.js';
import { TcpProxy } from './net/tcp-proxy.js';
import type { Resources } from './resources.js';
import type { LabHsmSpec } from './spec.js';
import type { TestPki } from './tls-material.js';

/**
 * The lab's soft cipher machines: one, or a primary and a hot standby with the same keys; TLS
 * with client certificates when the lab has a PKI; each optionally behind a TCP relay standing
 * for its network link. Systems under test reach them through `linkEndpoints` (the relays, or
 * the machines when there are none); probes reach `directEndpoints`.
 */
export class LabCipherMachines {
  readonly servers: (CipherMachineServer | undefined)[] = [];
  /** With `process`: the machines' child processes (`ehc sim hsm`), by machine. */
  readonly processes: (ChildProcess | undefined)[] = [];
  /** With `process`: processes started so far (the first start included), by machine. */
  readonly starts: number[] = [];
  readonly proxies: TcpProxy[] = [];
  readonly ports: number[] = [];
  readonly keys: KeyEntry[] = generateKeys();

  private constructor(
    private readonly spec: LabHsmSpec,
    private readonly pki: TestPki | undefined,
    private readonly logger: Logger,
    private readonly dir: string | undefined,
  ) {}

  /** Starts the machines; each is registered with `resources` as soon as it listens. */
  static async start(
    spec: LabHsmSpec,
    pki: TestPki | undefined,
    logger: Logger,
    resources: Resources,
    dir?: string,
  ): Promise<LabCipherMachines> {
    if (spec.process && (pki || !dir))
      throw new EhcError('LAB_CONFIG', 'cipher machines as processes need the lab directory and no TLS');
    const m = new LabCipherMachines(spec, pki, logger, dir);
    resources.defer('cipher machines', () => m.close());
    for (let i = 0; i < (spec.machines ?? 1); i++) {
      if (spec.process) m.ports[i] = await m.startProcess(i, spec.ports?.[i] ?? (await freePort()));
      else m.ports[i] = (await m.startServer(i, spec.ports?.[i] ?? 0)).address().port;
      const s = { address: () => ({ host: '127.0.0.1', port: m.ports[i]! }) };
      if (spec.links) m.proxies.push(await TcpProxy.start({ upstreams: [s.address()] }));
    }
    return m;
  }

  private async startServer(i: number, port: number): Promise<CipherMachineServer> {
    const { pki, spec } = this;
    const s = await CipherMachineServer.start({
      // each machine its own copy: close() wipes the key bytes it holds
      keys: this.keys.map((k) => ({ ...k, value: Buffer.from(k.value) })),
      ...(pki ? { tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca } } : {}),
      port,
      ...(spec.lifetimeS === undefined ? {} : { lifetimeS: spec.lifetimeS }),
      ...((spec.machines ?? 1) > 1 || spec.identity
        ? { identity: { ...spec.identity, serial: `${spec.identity?.serial ?? 'SOFT-000000000'}${i + 1}` } }
        : {}),
      logger: this.logger.child({ peer: 'hsm', machine: i }),
    });
    this.servers[i] = s;
    return s;
  }

  /**
   * Starts machine `i` as `ehc sim hsm` in a child process on `port` (its own key file, mode
   * 0600, in the lab directory) and resolves once the port accepts connections.
   */
  private async startProcess(i: number, port: number): Promise<number> {
    const keyFile = join(this.dir!, `hsm-${i}-keys.json`);
    writeFileSync(keyFile, JSON.stringify(toKeyFileJson(this.keys)), { mode: 0o600 });
    const { execArgv, entry } = cliEntry();
    const args = [...execArgv, entry, 'sim', 'hsm', '--port', String(port), '--keys', keyFile];
    args.push('--log-level', 'silent', '--serial', `SOFT-00000000${i + 1}`);
    if (this.spec.lifetimeS !== undefined) args.push('--lifetime', String(this.spec.lifetimeS));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    this.processes[i] = child;
    this.starts[i] = (this.starts[i] ?? 0) + 1;
    const deadline = Date.now() + 60_000; // tsx compiles the CLI first: 30 s was exceeded once at load 6 on 2 cores
    while (!(await accepts(port))) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new EhcError('LAB_SETUP', `cipher machine ${i} process exited at start: ${stderr.trim()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new EhcError('LAB_SETUP', `cipher machine ${i} process did not listen within 60 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return port;
  }

  /**
   * `kill -9` of machine `i`'s process (`hsm.process`): resolves once it has exited (the kernel
   * has reset its connections). Nothing of it runs any more; `restart(i)` starts a new process.
   */
  async kill(i: number): Promise<void> {
    const child = this.processes[i];
    if (!child) throw new EhcError('LAB_CONFIG', 'cipher machines do not run as processes (hsm.process)');
    this.processes[i] = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  get count(): number {
    return this.ports.length;
  }

  /** TLS material of the machines' clients (the CA, a client certificate it signed), when on. */
  get clientTls(): HsmClientTls | undefined {
    const { pki } = this;
    return pki ? { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } : undefined;
  }

  /** Where the systems under test reach the machines: the links if any, primary first. */
  get linkEndpoints(): HsmEndpoint[] {
    return this.proxies.length > 0 ? this.proxies.map((p) => p.address) : this.directEndpoints;
  }

  /** The machines themselves, primary first. */
  get directEndpoints(): HsmEndpoint[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** A client with failover over the links (what the agents and the central service use). */
  linkClient(timeoutMs: number): CipherMachine {
    const tls = this.clientTls;
    return createHsmClient({
      endpoints: this.linkEndpoints,
      ...(tls ? { tls } : {}),
      timeoutMs,
      ...(this.count > 1 ? { failbackMs: 1000 } : {}),
    });
  }

  /** Powers machine `i` off (crash-like: in-flight requests are lost). */
  async stop(i: number): Promise<void> {
    if (this.spec.process) return this.kill(i);
    const s = this.servers[i];
    this.servers[i] = undefined;
    await s?.close({ graceMs: 0 });
  }

  /** Powers machine `i` on again, same port, same keys. */
  async restart(i: number): Promise<void> {
    if (this.spec.process) {
      if (this.processes[i] === undefined) await this.startProcess(i, this.ports[i]!);
      return;
    }
    if (this.servers[i] === undefined) await this.startServer(i, this.ports[i] ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
    await Promise.all(this.servers.map((s) => s?.close()));
    await Promise.all(this.processes.map((_, i) => this.kill(i).catch(() => undefined)));
  }
}

/** How to run the `ehc` CLI from here: the TypeScript sources through tsx, or the built bundle. */
function cliEntry(): { execArgv: string[]; entry: string } {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return { execArgv: ['--import', 'tsx'], entry: fileURLToPath(new URL('../cli/main.ts', here)) };
  return { execArgv: [], entry: fileURLToPath(new URL('./cli.js', here)) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof a === 'object' && a ? a.port : 0;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
