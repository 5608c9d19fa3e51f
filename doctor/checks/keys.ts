/**
 * Key and certificate files named by the configuration (hsm.tls, central.caFile, api.tls): present,
 * readable, a private key not readable by others (0600, or 0640 for a service group), certificates
 * not expired (warn within 30 days), the client certificate issued by the configured CA, and each
 * key matching its certificate.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { AgentConfig } from '../../agent/config/agent-config.js';
import type { Check, CheckResult, DoctorEnv } from '../types.js';

const DAY_MS = 86_400_000;
export const EXPIRY_WARN_DAYS = 30;

interface TlsSet {
  readonly name: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

function tlsSets(config: AgentConfig): TlsSet[] {
  const sets: TlsSet[] = [];
  if (config.hsm?.tls) sets.push({ name: 'hsm.tls', ...config.hsm.tls });
  if (config.central?.caFile) sets.push({ name: 'central', ca: config.central.caFile });
  if (config.api.enabled && config.api.tls) sets.push({ name: 'api.tls', ...config.api.tls });
  return sets;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');
const fail = (detail: string, fix: string): CheckResult => ({ id: 'keys', status: 'fail', detail, fix });

async function readable(env: DoctorEnv, file: string, what: string): Promise<Buffer | CheckResult> {
  try {
    return await env.fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT'
      ? fail(`${what} ${file} is missing`, `put the file there or fix the path in the configuration`)
      : fail(
          `${what} ${file} cannot be read (${code})`,
          `let the service user read it: chown <service user> ${file}`,
        );
  }
}

async function keyMode(env: DoctorEnv, file: string): Promise<CheckResult> {
  const { mode } = await env.fs.stat(file);
  // Owner read/write and group read are allowed; anything for others, or group write, is not.
  if ((mode & 0o037) !== 0) {
    return fail(
      `key file ${file} mode ${octal(mode)} lets others read or change it`,
      `run chmod 600 ${file} (or chmod 640 ${file} with the service user's group as its group)`,
    );
  }
  return { id: 'keys', status: 'ok', detail: `key file ${file} mode ${octal(mode)}` };
}

function certResults(cert: X509Certificate, file: string, nowMs: number): CheckResult[] {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (nowMs > to)
    return [fail(`certificate ${file} expired on ${cert.validTo}`, 'renew it and restart the agent')];
  if (nowMs < from) {
    return [
      fail(
        `certificate ${file} is not valid before ${cert.validFrom}`,
        'check this machine’s clock (see the clock line) or use a certificate valid now',
      ),
    ];
  }
  const days = Math.floor((to - nowMs) / DAY_MS);
  if (days < EXPIRY_WARN_DAYS) {
    return [
      {
        id: 'keys',
        status: 'warn',
        detail: `certificate ${file} expires in ${days} days (${cert.validTo})`,
        fix: 'renew it soon',
      },
    ];
  }
  return [{ id: 'keys', status: 'ok', detail: `certificate ${file} valid until ${cert.validTo}` }];
}

function parseCert(pem: Buffer, file: string): X509Certificate | CheckResult {
  try {
    return new X509Certificate(pem);
  } catch {
    return fail(`${file} is not a PEM certificate`, 'point the configuration at the certificate file');
  }
}

/** Reads and checks one certificate file: its results, and the certificate when it parsed. */
async function loadCert(env: DoctorEnv, file: string, what: string, out: CheckResult[]) {
  const pem = await readable(env, file, what);
  const parsed = Buffer.isBuffer(pem) ? parseCert(pem, file) : pem;
  if (!(parsed instanceof X509Certificate)) {
    out.push(parsed);
    return undefined;
  }
  out.push(...certResults(parsed, file, env.now()));
  return parsed;
}

async function checkSet(env: DoctorEnv, set: TlsSet): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const ca = set.ca ? await loadCert(env, set.ca, 'CA file', out) : undefined;
  const cert = set.cert ? await loadCert(env, set.cert, 'certificate', out) : undefined;
  if (cert && ca && !(cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    out.push(
      fail(
        `certificate ${set.cert} is not issued by ${set.ca} (${cert.issuer.replace(/\n/g, ', ')})`,
        `use the ${set.name} certificate issued by the CA in ${set.ca}, or fix ${set.name}.ca`,
      ),
    );
  }
  if (set.key) {
    const pem = await readable(env, set.key, 'key file');
    if (!Buffer.isBuffer(pem)) out.push(pem);
    else {
      out.push(await keyMode(env, set.key));
      try {
        const pub = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
        if (cert && !pub.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) {
          out.push(
            fail(`key ${set.key} does not belong to ${set.cert}`, `configure the key made with ${set.cert}`),
          );
        }
      } catch {
        out.push(
          fail(`${set.key} is not a PEM private key`, `point ${set.name}.key at the private key file`),
        );
      }
    }
  }
  return out;
}

export const keysCheck: Check = {
  id: 'keys',
  async run({ env, config }) {
    if (!config) return [];
    const sets = tlsSets(config);
    if (sets.length === 0) {
      return [
        { id: 'keys', status: 'ok', detail: 'no key or certificate files configured (plain TCP/HTTP)' },
      ];
    }
    return (await Promise.all(sets.map((s) => checkSet(env, s)))).flat();
  },
};
