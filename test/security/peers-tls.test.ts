// Peers' TLS: every server (soft cipher machine, central service, the agent's local API) and every
// client (cipher-machine client, central-service client) holds the project's TLS policy even when
// the process defaults are weakened (an operator's --tls-min-v1.0 / --tls-cipher-list), and the
// clients check the peer's certificate and host name. Real TLS on loopback.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as tls from 'node:tls';
import { connect, createServer, DEFAULT_CIPHERS, DEFAULT_MIN_VERSION, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsFetch } from '../../clients/central/https-fetch.js';
import { createHsmClient } from '../../clients/hsm/client.js';
import { fixturePki } from '../../lab/tls-material.js';
import { createCentralLogger } from '../../sim/central/logger.js';
import { startCentralService } from '../../sim/central/service.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { KEYS } from '../hsm/helpers.js';
import { type SecurityApi, startApi } from './support/api.js';

const pki = fixturePki();
/** What a process started with `--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0` would have. */
const WEAK_DEFAULTS = { min: 'TLSv1' as const, ciphers: `${DEFAULT_CIPHERS}:@SECLEVEL=0` };
/** Forward-secret but CBC with SHA-1: in Node's default list (HIGH), not in the project's. */
const CBC_SHA1 = 'ECDHE-ECDSA-AES128-SHA';

type Mutable = { DEFAULT_MIN_VERSION: string; DEFAULT_CIPHERS: string };
/** node:tls as a mutable CommonJS object (the ESM namespace is frozen). */
const tlsModule = createRequire(import.meta.url)('node:tls') as Mutable;
const saved = { min: DEFAULT_MIN_VERSION, ciphers: DEFAULT_CIPHERS };

let machine: CipherMachineServer;
let central: Awaited<ReturnType<typeof startCentralService>>;
let centralHsm: ReturnType<typeof createHsmClient>;
let api: SecurityApi;

beforeAll(async () => {
  tlsModule.DEFAULT_MIN_VERSION = WEAK_DEFAULTS.min;
  tlsModule.DEFAULT_CIPHERS = WEAK_DEFAULTS.ciphers;
  machine = await CipherMachineServer.start({
    keys: KEYS,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca },
  });
  centralHsm = createHsmClient({ endpoints: [{ host: '127.0.0.1', port: 1 }], heartbeatMs: 0 });
  central = await startCentralService({
    hsm: centralHsm,
    db: ':memory:',
    tls: pki.server,
    pruneIntervalMs: 0,
    logger: createCentralLogger('silent'),
  });
  api = await startApi({ tls: pki.server });
});
afterAll(async () => {
  await api.close();
  await central.close();
  await centralHsm.close();
  await machine.close();
  tlsModule.DEFAULT_MIN_VERSION = saved.min;
  tlsModule.DEFAULT_CIPHERS = saved.ciphers;
});

/** Resolves with the negotiated protocol and cipher, or `refused` if the handshake fails. */
function handshake(port: number, o: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(
      { host: '127.0.0.1', port, ca: pki.ca, servername: 'localhost', ...pki.client, ...o },
      () => {
        const r = `${s.getProtocol()} ${s.getCipher().name}`;
        s.destroy();
        resolve(r);
      },
    );
    s.on('error', () => resolve('refused'));
  });
}

const servers = (): [string, number][] => [
  ['soft cipher machine', machine.address().port],
  ['central service', Number(new URL(central.origin).port)],
  ['agent local API', Number(new URL(api.url).port)],
];

describe('servers hold the TLS policy whatever the process defaults', () => {
  it('refuse TLS 1.0 and 1.1', async () => {
    for (const [name, port] of servers()) {
      const r = await handshake(port, {
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      expect(r, name).toBe('refused');
    }
  });

  it('refuse a client offering only a CBC/SHA-1 suite', async () => {
    for (const [name, port] of servers()) {
      expect(await handshake(port, { maxVersion: 'TLSv1.2', ciphers: CBC_SHA1 }), name).toBe('refused');
    }
  });

  it('accept TLS 1.2 with ECDHE+AEAD and TLS 1.3', async () => {
    for (const [name, port] of servers()) {
      expect(await handshake(port, { maxVersion: 'TLSv1.2' }), name).toMatch(
        /^TLSv1\.2 ECDHE-ECDSA-(AES\d+-GCM|CHACHA20)/,
      );
      expect(await handshake(port, {}), name).toMatch(/^TLSv1\.3 /);
    }
  });
});

/** A hostile TLS server speaking only what `o` allows; counts the handshakes it completed. */
async function hostile(
  o: tls.TlsOptions,
  host = '127.0.0.1',
): Promise<{ port: number; secured: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer({ cert: pki.server.cert, key: pki.server.key, ...o }, (s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as AddressInfo).port,
    secured: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function hsmValidity(host: string, port: number, extra: { servername?: string; ca?: Buffer } = {}) {
  const c = createHsmClient({
    endpoints: [{ host, port }],
    heartbeatMs: 0,
    timeoutMs: 1_000,
    tls: {
      ca: extra.ca ?? pki.ca,
      ...pki.client,
      ...(extra.servername ? { servername: extra.servername } : {}),
    },
  });
  try {
    return await c.info();
  } finally {
    await c.close();
  }
}

async function centralGet(url: string, ca: Buffer = pki.ca): Promise<string> {
  const h = httpsFetch({ ca });
  try {
    const res = await h.fetch(url);
    return `status ${res.status}`;
  } catch (e) {
    return `refused ${(e as { code?: string }).code ?? ''}`;
  } finally {
    h.close();
  }
}

describe('clients hold the TLS policy and check the peer', () => {
  it('the cipher-machine client refuses a machine offering TLS 1.1 or a CBC/SHA-1 suite only', async () => {
    for (const o of [
      { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
      { maxVersion: 'TLSv1.2', ciphers: CBC_SHA1 },
    ] as tls.TlsOptions[]) {
      const h = await hostile(o);
      const r = await hsmValidity('127.0.0.1', h.port);
      await h.close();
      expect(r.status).toBe('unavailable');
      expect(h.secured()).toBe(0);
    }
  });

  it('the central client refuses a server offering TLS 1.1 or a CBC/SHA-1 suite only', async () => {
    for (const o of [
      { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
      { maxVersion: 'TLSv1.2', ciphers: CBC_SHA1 },
    ] as tls.TlsOptions[]) {
      const h = await hostile(o);
      const r = await centralGet(`https://127.0.0.1:${h.port}/`);
      await h.close();
      expect(r).toMatch(/^refused/);
      expect(h.secured()).toBe(0);
    }
  });

  it('the cipher-machine client checks the CA and the host name', async () => {
    const port = machine.address().port;
    expect((await hsmValidity('127.0.0.1', port)).status).toBe('ok');
    expect((await hsmValidity('127.0.0.1', port, { ca: pki.rogueClient.cert })).status).toBe('unavailable');
    expect((await hsmValidity('127.0.0.1', port, { servername: 'hsm.evil.example' })).status).toBe(
      'unavailable',
    );
  });

  it('the central client checks the CA and the host name', async () => {
    const port = new URL(central.origin).port;
    expect(await centralGet(`https://127.0.0.1:${port}/healthz`)).toMatch(/^status \d+$/);
    expect(await centralGet(`https://127.0.0.1:${port}/healthz`, pki.rogueClient.cert)).toMatch(/^refused/);
    // same certificate (SAN 127.0.0.1, localhost) served on 127.0.0.2: the name does not match
    const h = await hostile({}, '127.0.0.2');
    expect(await centralGet(`https://127.0.0.2:${h.port}/`)).toBe('refused ERR_TLS_CERT_ALTNAME_INVALID');
    await h.close();
  });
});
