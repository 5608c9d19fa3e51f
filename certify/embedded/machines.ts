import { createHsmClient } from '../../clients/hsm/client.js';
import type { CipherMachine, HsmClientTls, HsmEndpoint } from '../../clients/hsm/types.js';
import type { DeviceIdentity } from '../../sim/cipher-machine/config.js';
import type { KeyEntry } from '../../sim/cipher-machine/key-file.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { TcpProxy } from '../net/tcp-proxy.js';
import type { TestPki } from '../tls-material.js';

export interface MachinesOptions {
  readonly pki: TestPki;
  /** Identity of both machines (the standby gets its own serial). */
  readonly identity?: Partial<DeviceIdentity>;
}

/**
 * The hospital's two soft cipher machines (primary and hot standby, same keys), TLS with client
 * certificates required, each behind a TCP proxy that stands for the network link the system
 * uses (so certification can pull that cable, spec §5.2-4). The systems under test connect to the
 * proxies; certification's own probes connect to the machines directly.
 */
export class EmbeddedMachines {
  readonly servers: (CipherMachineServer | undefined)[] = [];
  readonly proxies: TcpProxy[] = [];
  readonly ports: number[] = [];
  private readonly keys: KeyEntry[] = generateKeys();

  private constructor(private readonly o: MachinesOptions) {}

  static async start(o: MachinesOptions): Promise<EmbeddedMachines> {
    const m = new EmbeddedMachines(o);
    try {
      for (const i of [0, 1]) {
        const s = await m.startServer(i, 0);
        m.ports[i] = s.address().port;
        m.proxies.push(await TcpProxy.start({ upstreams: [s.address()] }));
      }
    } catch (e) {
      await m.close();
      throw e;
    }
    return m;
  }

  private async startServer(i: number, port: number): Promise<CipherMachineServer> {
    const { pki } = this.o;
    const s = await CipherMachineServer.start({
      // each machine its own copy: close() wipes the key bytes it holds
      keys: this.keys.map((k) => ({ ...k, value: Buffer.from(k.value) })),
      tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca },
      port,
      identity: { ...this.o.identity, serial: `${this.o.identity?.serial ?? 'SOFT-000000000'}${i + 1}` },
    });
    this.servers[i] = s;
    return s;
  }

  /** TLS material of the machines' clients (the CA, a client certificate it signed). */
  get clientTls(): HsmClientTls {
    const { pki } = this.o;
    return { ca: pki.ca, cert: pki.client.cert, key: pki.client.key };
  }

  /** Where the systems under test reach the machines: the proxies, primary first. */
  get linkEndpoints(): HsmEndpoint[] {
    return this.proxies.map((p) => p.address);
  }

  /** The machines themselves, primary first. */
  get directEndpoints(): HsmEndpoint[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** A client with failover over the links (what the agent and the central service use). */
  linkClient(timeoutMs: number): CipherMachine {
    return createHsmClient({
      endpoints: this.linkEndpoints,
      tls: this.clientTls,
      timeoutMs,
      failbackMs: 1000,
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
