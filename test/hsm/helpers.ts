// Test helpers for the cipher machine: servers and clients on loopback, closed after each test.
import { createHsmClient, type HsmClient } from '../../clients/hsm/client.js';
import type { HsmClientOptions, HsmResult } from '../../clients/hsm/types.js';
import { sm2GenerateKeyPair } from '../../protocol/crypto/sm2.js';
import type { CipherMachineOptions } from '../../sim/cipher-machine/config.js';
import type { KeyEntry } from '../../sim/cipher-machine/key-file.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';

export const VECTOR = {
  securityKey: '0123456789ABCDEFFEDCBA9876543210',
  mainIndex: 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E',
  idType: '01',
  idNo: '11010020171225006X',
  ehcId: '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928',
} as const;

const sm2 = sm2GenerateKeyPair();

/** 1 protect, 2 security (the domain.md vector), 3 data, 4 SM2, 5 a second protect key. */
export const KEYS: readonly KeyEntry[] = [
  { index: 1, type: 'sm4', use: 'protect', value: Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex') },
  { index: 2, type: 'sm4', use: 'security', value: Buffer.from(VECTOR.securityKey, 'hex') },
  { index: 3, type: 'sm4', use: 'data', value: Buffer.from('FEDCBA98765432100123456789ABCDEF', 'hex') },
  { index: 4, type: 'sm2', use: 'sign', value: Buffer.from(sm2.privateKey, 'hex'), publicKey: sm2.publicKey },
  { index: 5, type: 'sm4', use: 'protect', value: Buffer.from('FFEEDDCCBBAA99887766554433221100', 'hex') },
];
export const SM2_PUBLIC_KEY = sm2.publicKey;

/** Tracks what a test starts so `cleanup()` (in afterEach) closes it: no leaked sockets or timers. */
export class Harness {
  private readonly servers = new Set<CipherMachineServer>();
  private readonly clients = new Set<HsmClient>();

  async machine(opts: Partial<CipherMachineOptions> = {}): Promise<CipherMachineServer> {
    const s = await CipherMachineServer.start({ keys: KEYS, ...opts });
    this.servers.add(s);
    return s;
  }

  client(
    machines: readonly CipherMachineServer[] | CipherMachineServer,
    opts: Partial<HsmClientOptions> = {},
  ): HsmClient {
    const list = Array.isArray(machines) ? machines : [machines as CipherMachineServer];
    const c = createHsmClient({ endpoints: list.map((m) => m.address()), heartbeatMs: 0, ...opts });
    this.clients.add(c);
    return c;
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.clients].map((c) => c.close()));
    await Promise.all([...this.servers].map((s) => s.close()));
    this.clients.clear();
    this.servers.clear();
  }
}

/** The value of an `ok` result; fails the test with the result otherwise. */
export function okValue<T>(r: HsmResult<T>): T {
  if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.value;
}

/** Resolves on the next turn of the event loop (lets written frames leave). */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Resolves once `pred()` holds, checking on every status change and loop turn. */
export async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}
