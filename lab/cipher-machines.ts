import type { Logger } from 'pino';
import { createHsmClient } from '../clients/hsm/client.js';
import type { CipherMachine, HsmClientTls, HsmEndpoint } from '../clients/hsm/types.js';
import type { KeyEntry } from '../sim/cipher-machine/key-file.js';
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
  readonly proxies: TcpProxy[] = [];
  readonly ports: number[] = [];
  readonly keys: KeyEntry[] = generateKeys();

  private constructor(
    private readonly spec: LabHsmSpec,
    private readonly pki: TestPki | undefined,
    private readonly logger: Logger,
  ) {}

  /** Starts the machines; each is registered with `resources` as soon as it listens. */
  static async start(
    spec: LabHsmSpec,
    pki: TestPki | undefined,
    logger: Logger,
    resources: Resources,
  ): Promise<LabCipherMachines> {
    const m = new LabCipherMachines(spec, pki, logger);
    resources.defer('cipher machines', () => m.close());
    for (let i = 0; i < (spec.machines ?? 1); i++) {
      const s = await m.startServer(i, spec.ports?.[i] ?? 0);
      m.ports[i] = s.address().port;
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
    const s = this.servers[i];
    this.servers[i] = undefined;
    await s?.close({ graceMs: 0 });
  }

  /** Powers machine `i` on again, same port, same keys. */
  async restart(i: number): Promise<void> {
    if (this.servers[i] === undefined) await this.startServer(i, this.ports[i] ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.map((p) => p.close()));
    await Promise.all(this.servers.map((s) => s?.close()));
  }
}
