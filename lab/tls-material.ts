import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EhcError } from '../protocol/errors.js';

/** A certificate and its private key (PEM). */
export interface CertKey {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * The test PKI of an embedded run: one CA; a server certificate for 127.0.0.1 / localhost (cipher
 * machines, central service) and a client certificate (the cipher machine's clients), both signed
 * by the CA; and a "rogue" client certificate signed by nobody the machine trusts, which must be
 * refused (spec §5.1.1-6/7 evidence).
 */
export interface TestPki {
  readonly ca: Buffer;
  readonly server: CertKey;
  readonly client: CertKey;
  readonly rogueClient: CertKey;
  /** `openssl` when made now with the openssl CLI; `fixtures` when read from lab/fixtures. */
  readonly source: 'openssl' | 'fixtures';
}

const FILES = ['ca.crt', 'server.crt', 'server.key', 'client.crt', 'client.key', 'rogue.crt', 'rogue.key'];

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  } catch (e) {
    throw new EhcError('LAB_SETUP', `openssl ${args[0]} failed`, { cause: e });
  }
}

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function selfSigned(dir: string, name: string, cn: string, days: number, ca: boolean): void {
  openssl(dir, [
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=${cn}`,
    '-days',
    String(days),
    '-addext',
    ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=critical,CA:FALSE',
    '-addext',
    ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'extendedKeyUsage=clientAuth',
  ]);
}

function signed(dir: string, name: string, cn: string, days: number, ext: string): void {
  openssl(dir, [
    'req',
    '-new',
    ...newKey,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    String(days),
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Makes a fresh PKI in `dir` with the openssl CLI (P-256 keys, `days` of validity). */
export function generatePki(dir: string, days = 2): TestPki {
  selfSigned(dir, 'ca', 'ehc-certify test CA', days, true);
  signed(
    dir,
    'server',
    'localhost',
    days,
    'basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
  );
  signed(
    dir,
    'client',
    'ehc-certify client',
    days,
    'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth',
  );
  selfSigned(dir, 'rogue', 'ehc-certify rogue client', days, false);
  return readPki(dir, 'openssl');
}

/** Reads a PKI written by `generatePki` (or the committed fixtures). */
export function readPki(dir: string, source: TestPki['source']): TestPki {
  const f = (n: string): Buffer => {
    try {
      return readFileSync(join(dir, n));
    } catch (e) {
      throw new EhcError('LAB_SETUP', `cannot read TLS material ${n}`, { cause: e });
    }
  };
  return {
    ca: f('ca.crt'),
    server: { cert: f('server.crt'), key: f('server.key') },
    client: { cert: f('client.crt'), key: f('client.key') },
    rogueClient: { cert: f('rogue.crt'), key: f('rogue.key') },
    source,
  };
}

/** The committed test-only PKI (lab/fixtures), for machines without the openssl CLI. */
export function fixturePki(): TestPki {
  return readPki(fileURLToPath(new URL('./fixtures/', import.meta.url)), 'fixtures');
}

/** A fresh PKI when openssl is present, else the committed fixtures. */
export function testPki(dir: string): TestPki {
  return hasOpenssl() ? generatePki(dir) : fixturePki();
}

export const PKI_FILES: readonly string[] = FILES;
