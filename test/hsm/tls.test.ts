// TLS with client certificates (spec §5.1.1-6/7): certificates are made at test time with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHsmClient } from '../../clients/hsm/client.js';
import { Harness, okValue, VECTOR } from './helpers.js';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Pem {
  cert: Buffer;
  key: Buffer;
}

let dir = '';
const pki: Record<'ca' | 'rogueCa' | 'server' | 'client' | 'rogueClient', Pem> = {} as never;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A P-256 key and a certificate signed by `ca` (or self-signed), with the given extensions. */
function issue(name: string, cn: string, ca: string | undefined, ext: string): Pem {
  const extFile = `${name}.ext`;
  writeFileSync(join(dir, extFile), `${ext}\n`);
  if (ca === undefined) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      '2',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  } else {
    openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      extFile,
    );
  }
  return { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) };
}

const h = new Harness();
afterEach(() => h.cleanup());

describe.skipIf(!hasOpenssl)('cipher machine over TLS with client certificates', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ehc-tls-'));
    pki.ca = issue('ca', 'ehc test CA', undefined, '');
    pki.rogueCa = issue('rogue-ca', 'rogue CA', undefined, '');
    pki.server = issue(
      'server',
      'cipher-machine',
      'ca',
      'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth',
    );
    pki.client = issue('client', 'agent', 'ca', 'extendedKeyUsage=clientAuth');
    pki.rogueClient = issue('rogue-client', 'intruder', 'rogue-ca', 'extendedKeyUsage=clientAuth');
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const serverTls = () => ({ cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert });

  it('serves a client that presents a certificate from the trusted CA', async () => {
    const m = await h.machine({ tls: serverTls() });
    const c = h.client(m, { tls: { ...pki.client, ca: pki.ca.cert }, timeoutMs: 2000 });
    expect(okValue(await c.deriveEhcId(VECTOR.mainIndex, VECTOR.idType, VECTOR.idNo))).toBe(VECTOR.ehcId);
    const block = okValue(await c.encryptValidity());
    expect((await c.checkValidity(block.blockHex)).status).toBe('ok');
  });

  it('refuses a client certificate from another CA: the client reports unavailable', async () => {
    const m = await h.machine({ tls: serverTls() });
    const c = h.client(m, { tls: { ...pki.rogueClient, ca: pki.ca.cert }, timeoutMs: 2000 });
    const r = await c.info();
    expect(r.status).toBe('unavailable');
    expect(['connect-failed', 'connection-lost']).toContain(r.status === 'unavailable' ? r.reason : '');
  });

  it('the client refuses a machine whose certificate it cannot verify', async () => {
    const m = await h.machine({ tls: serverTls() });
    const c = h.client(m, { tls: { ...pki.client, ca: pki.rogueCa.cert }, timeoutMs: 2000 });
    expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'connect-failed' });
  });

  it('a plain-TCP client gets no answer from a TLS machine', async () => {
    const m = await h.machine({ tls: serverTls() });
    const c = createHsmClient({ endpoints: [m.address()], heartbeatMs: 0, timeoutMs: 300 });
    try {
      expect((await c.info()).status).toBe('unavailable');
    } finally {
      await c.close();
    }
  });
});
