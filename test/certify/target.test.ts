// `ehc certify --target <config.json>`: the reference system described by a target file, as a lab
// would describe a real one (its URLs, addresses, TLS files and credentials only).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EMBEDDED_CERTIFIED,
  type EmbeddedSystem,
  HOSPITAL_APP,
  LOAD_TERMINAL,
  MONITOR_APP,
  startEmbedded,
} from '../../certify/embedded.js';
import { parseTargetConfig } from '../../certify/target/config.js';
import type { CertificationReport } from '../../certify/types.js';
import { buildProgram } from '../../cli/program.js';

const dir = mkdtempSync(join(tmpdir(), 'ehc-certify-target-'));
let system: EmbeddedSystem;

beforeAll(async () => {
  system = await startEmbedded();
  const { ctx } = system;
  const tls = ctx.cipherMachines.tls!;
  for (const [name, data] of Object.entries({
    'central-ca.crt': ctx.central.ca!,
    'hsm-ca.crt': tls.ca,
    'client.crt': tls.cert,
    'client.key': tls.key,
    'rogue.crt': tls.rogue!.cert,
    'rogue.key': tls.rogue!.key,
  })) {
    writeFileSync(join(dir, name), data);
  }
  const config = {
    settings: { durationS: 2 },
    certified: EMBEDDED_CERTIFIED,
    central: {
      url: ctx.central.url,
      instances: ctx.central.instances.map((i) => `${i.host}:${i.port}`),
      ca: 'central-ca.crt',
      app: { appId: HOSPITAL_APP.appId, appSecret: HOSPITAL_APP.appSecret },
      monitorApp: { appId: MONITOR_APP.appId, appSecret: MONITOR_APP.appSecret },
      terminalCode: LOAD_TERMINAL,
    },
    cipherMachines: {
      machines: ctx.cipherMachines.machines.map((m) => `${m.host}:${m.port}`),
      tls: {
        ca: 'hsm-ca.crt',
        cert: 'client.crt',
        key: 'client.key',
        rogueCert: 'rogue.crt',
        rogueKey: 'rogue.key',
      },
    },
    agent: {
      apiUrl: ctx.agentLinks.apiUrl,
      kioskToken: 'no-stations-in-this-test',
      admin: { name: ctx.admin.adminName, password: ctx.admin.adminPassword },
      scannerPorts: ctx.agentLinks.scannerPorts,
    },
    faults: { mode: 'manual' },
  };
  writeFileSync(join(dir, 'target.json'), JSON.stringify(config, null, 2));
}, 60_000);

afterAll(async () => {
  await system?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ehc certify --target', () => {
  it('certifies the systems a target file describes; what only a movable clock could show stays with the lab engineer', async () => {
    const only = '5.1.1-6,5.1.1-7,5.1.1-8,5.2-2,5.2-3,5.3-2,5.4-5,5.4-6,5.4-7,5.4-8,5.4-9';
    const out: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
    try {
      await buildProgram()
        .exitOverride()
        .parseAsync([
          'node',
          'ehc',
          'certify',
          '--target',
          join(dir, 'target.json'),
          '--report',
          join(dir, 'out'),
          '--only',
          only,
        ]);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as CertificationReport;
    const verdicts = Object.fromEntries(
      report.items.filter((i) => only.includes(i.id)).map((i) => [i.id, i.verdict]),
    );
    expect(verdicts).toEqual({
      '5.1.1-6': 'pass',
      '5.1.1-7': 'pass',
      // weak passwords, disabling and roles measured; the 90-day and remote rules need the lab
      '5.1.1-8': 'pending-manual',
      '5.2-2': 'pass',
      '5.2-3': 'pass',
      '5.3-2': 'pass',
      '5.4-5': 'pass',
      '5.4-6': 'pass',
      '5.4-7': 'pass',
      '5.4-8': 'pass',
      '5.4-9': 'pass',
    });
    expect(report.mode).toBe('target');
    // no mandatory item failed, but 5.1.1-8 awaits the lab engineer and the others were not run
    expect(report.outcome).toBe('INCOMPLETE');
    expect(report.failed).toEqual([]);
    expect(report.awaiting).toContainEqual({ id: '5.1.1-8', title: 'Account protection', reason: 'manual' });
    expect(code).toBe(3);
    expect(out.join('')).toMatch(/MANUAL 5\.1\.1-8/);
  }, 90_000);

  it('reads the documented example file', () => {
    const example = new URL('../../config/certify-target.example.json', import.meta.url).pathname;
    const cfg = parseTargetConfig(JSON.parse(readFileSync(example, 'utf8')), '/lab');
    expect(cfg.cipherMachines.tls?.ca).toBe('/lab/pki/hsm-ca.crt');
    expect(cfg.stations.map((s) => s.channelCode)).toEqual(['01', '02']);
    expect(cfg.faults).toMatchObject({ mode: 'proxy', cipherMachineProxies: [{}, {}] });
    expect(cfg.certified.terminals[0]?.certifiedModelId).toBe('EHC-K7');
  });

  it('names the field of a bad target file', () => {
    expect(() => parseTargetConfig({ central: { url: 'https://x/api' } }, dir)).toThrow(
      /central\.instances|central\.app|cipherMachines/,
    );
    expect(() =>
      parseTargetConfig(
        JSON.parse(
          readFileSync(join(dir, 'target.json'), 'utf8').replace('"mode": "manual"', '"mode": "chaos"'),
        ),
        dir,
      ),
    ).toThrow(/faults\.mode: must be proxy or manual/);
  });
});
