// The whole doctor over a healthy fake environment: a real soft cipher machine (TLS with client
// certificates) and central service on loopback, a fake sysfs with one scanner, a sound database.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHsmClient, type HsmClient } from '../clients/hsm/client.js';
import { type CentralServiceHandle, startCentralService } from '../sim/central/service.js';
import { generateKeys } from '../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../sim/cipher-machine/server.js';
import { runDoctor } from './doctor.js';
import { addUsbDevice, fakeEnv } from './fake-env.js';
import { formatLine, formatText } from './report.js';

const PKI = fileURLToPath(new URL('../lab/fixtures/', import.meta.url));
const APP = { appId: 'DOCTOR-APP', appSecret: '0123456789abcdef' };
const logger = pino({ level: 'silent' });

let dir: string;
let machine: CipherMachineServer;
let centralHsm: HsmClient;
let central: CentralServiceHandle;
let configFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ehc-doctor-all-'));
  for (const f of [
    'ca.crt',
    'server.crt',
    'server.key',
    'client.crt',
    'client.key',
    'rogue.crt',
    'rogue.key',
  ]) {
    copyFileSync(join(PKI, f), join(dir, f));
  }
  chmodSync(join(dir, 'client.key'), 0o600);
  chmodSync(join(dir, 'rogue.key'), 0o600);
  const pem = (f: string) => join(dir, f);
  machine = await CipherMachineServer.start({
    keys: generateKeys(),
    logger,
    tls: {
      cert: readFileSync(pem('server.crt')),
      key: readFileSync(pem('server.key')),
      ca: readFileSync(pem('ca.crt')),
    },
  });
  const machineAt = `127.0.0.1:${machine.address().port}`;
  centralHsm = createHsmClient({
    endpoints: [{ host: '127.0.0.1', port: machine.address().port }],
    tls: {
      ca: readFileSync(pem('ca.crt')),
      cert: readFileSync(pem('client.crt')),
      key: readFileSync(pem('client.key')),
    },
  });
  central = await startCentralService({
    hsm: centralHsm,
    logger,
    config: {
      apps: [{ ...APP, name: 'doctor test' }],
      terminals: [{ terminalCode: 'TERM-0001', name: 't', orgCode: 'LAB', enabled: true }],
      validity: { lifetimeS: 60, skewS: 5, timeZone: 'Asia/Shanghai', usesPerCode: 1 },
      requestWindowS: 300,
      replayCacheMaxEntries: 1000,
      hsmTimeoutMs: 500,
      log: { level: 'silent' },
    },
  });
  const db = new Database(join(dir, 'agent.db'));
  db.exec('create table t (x)');
  db.close();
  addUsbDevice(dir, '1-1', 0x05e0, 0x1701, ['ttyACM0']);
  configFile = join(dir, 'agent.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      verify: { mode: 'chain' },
      scanners: [{ id: 'window-1', port: join(dir, 'dev', 'ttyACM0') }],
      hsm: {
        primary: machineAt,
        timeoutMs: 1000,
        tls: { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') },
      },
      central: { url: central.url, ...APP, timeoutMs: 2000 },
      storage: { file: join(dir, 'agent.db') },
      api: { enabled: false },
    }),
  );
});

afterAll(async () => {
  await central?.close();
  await centralHsm?.close();
  await machine?.close();
});

/** Real modules and file system, the fake sysfs, and a disk with room. */
const healthy = () =>
  fakeEnv(dir, { nodeVersion: 'v20.11.1', fs: { statfs: async () => ({ bavail: 1_000_000, bsize: 4096 }) } });

describe('ehc doctor (healthy environment)', () => {
  it('every family reports ok: no warning, no failure', async () => {
    const report = await runDoctor({ env: healthy(), configFile });
    const notOk = report.checks.filter((c) => c.status !== 'ok');
    expect(notOk).toEqual([]);
    expect(report.ok).toBe(true);
    expect([...new Set(report.checks.map((c) => c.id))]).toEqual([
      'node',
      'native',
      'config',
      'devices',
      'keys',
      'peers',
      'clock',
      'storage',
    ]);
    expect(report.checks.find((c) => c.detail.startsWith('cipher machine'))?.detail).toContain(
      '(TLS) connected and answered in',
    );
  });

  it('one fault among healthy checks makes the report fail; the text has one line per result', async () => {
    const late = await runDoctor({
      env: fakeEnv(dir, { ...healthy(), now: () => Date.now() + 300_000 }),
      configFile,
    });
    expect(late.ok).toBe(false);
    const clock = late.checks.filter((c) => c.id === 'clock');
    expect(clock.map((c) => c.status)).toEqual(['fail', 'fail']); // central service and cipher machine
    const lines = formatText(late).trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual(late.checks.map(formatLine));
    expect(lines.at(-1)).toBe(`${late.counts.ok} ok, ${late.counts.warn} warn, ${late.counts.fail} fail`);
  });

  it('a client certificate the machine does not trust: the TLS handshake fails, named as such', async () => {
    const good = JSON.parse(readFileSync(configFile, 'utf8'));
    const rogueFile = join(dir, 'rogue.json');
    const tls = { ...good.hsm.tls, cert: join(dir, 'rogue.crt'), key: join(dir, 'rogue.key') };
    writeFileSync(rogueFile, JSON.stringify({ ...good, hsm: { ...good.hsm, tls } }));
    const report = await runDoctor({ env: healthy(), configFile: rogueFile });
    const hsm = report.checks.find((c) => c.id === 'peers' && c.detail.startsWith('cipher machine'));
    expect(hsm).toMatchObject({ status: 'fail', detail: expect.stringContaining('TLS handshake failed') });
    expect(hsm?.fix).toContain('hsm.tls');
  });

  it('unreadable TLS files: the keys lines say why and the peer is not tried', async () => {
    const good = JSON.parse(readFileSync(configFile, 'utf8'));
    const gone = join(dir, 'missing.json');
    writeFileSync(
      gone,
      JSON.stringify({ ...good, hsm: { ...good.hsm, tls: { ...good.hsm.tls, key: join(dir, 'nope.key') } } }),
    );
    const report = await runDoctor({ env: healthy(), configFile: gone });
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.detail])).toEqual([
      ['keys', `key file ${join(dir, 'nope.key')} is missing`],
      ['peers', expect.stringContaining('not tried: the hsm.tls files cannot be read (ENOENT)')],
    ]);
  });
});
