// No patient identifier or key material in the reports the project writes: certify
// (report.json / report.html), the soak (soak-report.json / .html), the rig (rig-report.json /
// .html), the decode bench (JSON + HTML), the fuzz --json file, and every other report writer
// (bench hsm / latency / load). Each test runs the real producer on small inputs with known
// patient data and secrets flowing through its free-text channels, writes the real files, and
// reads them back. The masking they rely on: agent/log/report-file.ts (scrubLogLine + URL
// credentials), through which every report is written (the last test keeps it that way).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonReport, writeTextReport } from '../../agent/log/report-file.js';
import { renderHtmlReport as renderDecodeHtml } from '../../bench/decode/report-html.js';
import { runDecodeBench } from '../../bench/decode/run.js';
import { runLatencyBench } from '../../bench/latency/run.js';
import { startPeerServices } from '../../bench/load/peer.js';
import { buildReport } from '../../bench/rig/report-build.js';
import { writeRigReport } from '../../bench/rig/run.js';
import { CATALOGUE } from '../../certify/catalogue.js';
import type { CertifyContext } from '../../certify/context.js';
import { certify, summaryLine } from '../../certify/run.js';
import { DEFAULT_SETTINGS } from '../../certify/settings.js';
import { toGrey, toRgba } from '../../firmware-sdk/decode/image.js';
import { renderQr } from '../../firmware-sdk/render/render.js';
import { writeSoakReport } from '../../lab/soak/report-html.js';
import type { SoakResult } from '../../lab/soak/run.js';
import { parseSoakSchedule } from '../../lab/soak/schedule.js';
import { ID_NO, NAME, PHONE, SM4_KEY } from './support/personal-data.js';

// the domain brief's EHC-ID derivation vector (idType 01, idNo 11010020171225006X) and its root key
const EHC_ID = '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928';
const APP_SECRET = 'S3cretAppSecret9';
const QR = `${EHC_ID}:0:07EDF114B1651BA63D112011E74C1EC3`;
/** What must never be in a report file in clear. */
const CLEAR = [EHC_ID, ID_NO, PHONE, NAME, SM4_KEY, APP_SECRET, QR];
/** An upstream error as an agent, a peer or a check might word it. */
const LEAKY = `central refused code ${QR} of ${ID_NO} (mobile ${PHONE}), data key ${SM4_KEY}`;

const dir = mkdtempSync(join(tmpdir(), 'ehc-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(file: string): string {
  const text = readFileSync(file, 'utf8');
  for (const s of CLEAR) expect(text, `${file} leaks ${s}`).not.toContain(s);
  return text;
}

describe('report-file', () => {
  it('masks identifiers in strings and keys, keeps numbers as numbers, drops URL credentials', () => {
    const f = join(dir, 'unit.json');
    writeJsonReport(f, {
      [ID_NO]: 1,
      note: LEAKY,
      url: `https://ehcapp:${APP_SECRET}@central.example:8443/api`,
      figures: [13900001111, 0.13900001111, 110100201712250], // phone-like, but numbers
      when: new Date(0),
    });
    expectClean(f);
    const back = JSON.parse(readFileSync(f, 'utf8'));
    expect(back.figures).toEqual([13900001111, 0.13900001111, 110100201712250]);
    expect(back.url).toBe('https://***@central.example:8443/api');
    expect(back.when).toBe('1970-01-01T00:00:00.000Z');
    expect(back.note).toContain('98FF9F2C…1928'); // masked the logs' way, still correlatable
    expect(back.note).toContain('110***********006X');
  });
});

describe('certify report', () => {
  it('report.json and report.html carry no identifier from check errors, manual notes or the target', async () => {
    const automated = CATALOGUE.find((c) => c.automated)!;
    const manual = CATALOGUE.find((c) => !c.automated)!;
    // every part of the context but its settings throws an error carrying patient data
    const ctx = new Proxy({ mode: 'embedded', settings: DEFAULT_SETTINGS } as Record<string, unknown>, {
      get(t, p) {
        if (p in t) return t[p as string];
        if (p === 'then') return undefined;
        throw new Error(LEAKY);
      },
    }) as unknown as CertifyContext;
    const r = await certify({
      ctx,
      target: { system: 'test', central: `https://ehcapp:${APP_SECRET}@central.example:8443/api` },
      reportDir: join(dir, 'certify'),
      only: [automated.id, manual.id],
      manual: [
        {
          id: manual.id,
          verdict: 'pass',
          evidence: `checked on the card of ${ID_NO}, ${QR}`,
          reviewedBy: 'lab',
        },
      ],
      version: 'test',
    });
    // the leak is really there before writing: the check's error is in the evidence
    const item = r.report.items.find((i) => i.id === automated.id)!;
    expect(item.verdict).toBe('error');
    expect(item.evidence.join(' ')).toContain(ID_NO);
    expectClean(r.jsonFile);
    const html = expectClean(r.htmlFile);
    expect(html).toContain('110***********006X');
    expect(JSON.parse(readFileSync(r.jsonFile, 'utf8')).target.central).toBe(
      'https://***@central.example:8443/api',
    );
    // the console line of each item (ehc certify prints it) is scrubbed too, before it is cut
    const line = summaryLine({ ...item, evidence: [`${'x'.repeat(120)} ${ID_NO} ${QR}`] });
    for (const v of CLEAR) expect(line).not.toContain(v);
    expect(line).not.toContain(ID_NO.slice(0, 12));
  });
});

describe('soak report', () => {
  it('soak-report.json and .html carry no identifier from fault evidence, errors or assertions', () => {
    const schedule = parseSoakSchedule(
      JSON.parse(readFileSync(new URL('../../config/soak.ci.json', import.meta.url), 'utf8')),
    );
    const sample = {
      tS: 1,
      rssMb: 100,
      heapMb: 50,
      fds: 40,
      lagP99Ms: 2,
      lagMaxMs: 3,
      tps: 20,
      latP50Ms: 5,
      latP99Ms: 9,
      faults: [],
    };
    const fault = schedule.faults[0]!;
    const r: SoakResult = {
      startedAt: new Date(0).toISOString(),
      durationS: 10,
      schedule,
      ok: false,
      assertions: [{ name: 'no code accepted twice', ok: false, value: '1', bound: '0', detail: LEAKY }],
      scans: {
        sent: 10,
        answered: 10,
        lost: 0,
        verdicts: { VALID: 9, [`INVALID(${QR})`]: 1 },
        extraVerdicts: 0,
        unattributed: 0,
        starved: 0,
        generateFailures: 0,
        acceptedTwice: 1,
        acceptedWhileDown: 0,
        refusedButClaimedAtCentral: 0,
      },
      outbox: { accepted: 9, delivered: 9, missing: 0, phantom: 0, drainS: 1, agentCounts: {} },
      centralUsedCodesOverOne: 0,
      resources: {
        warmupS: 0,
        rssSlopeMbPerMin: 0,
        heapSlopeMbPerMin: 0,
        fdSlopePerMin: 0,
        rssStartMb: 100,
        rssEndMb: 100,
        rssPeakMb: 100,
        fdsStart: 40,
        fdsEnd: 40,
        fdsPeak: 40,
      },
      eventLoop: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
      faultClasses: [
        { fault: fault.fault, planned: 1, survived: 0, errors: 1, scansDuring: 1, verdictsDuring: {} },
      ],
      faultEvents: [
        {
          fault: fault.fault,
          atS: 1,
          untilS: 2,
          injectedS: 1,
          clearedS: 2,
          evidence: [LEAKY],
          error: `restart failed: ${LEAKY}`,
        },
      ],
      samples: [sample, { ...sample, tS: 2 }],
    };
    const { json, html } = writeSoakReport(join(dir, 'soak'), r);
    expectClean(json);
    expect(expectClean(html)).toContain('110***********006X');
  });
});

describe('rig report', () => {
  it('rig-report.json and .html carry no identifier, even from a verdict string', async () => {
    const report = buildReport({
      reader: 'virtual',
      mode: 'verdict',
      degrade: undefined,
      records: [
        {
          displayId: 1,
          frames: 2,
          misreads: 0,
          paintedAt: 0,
          firstFrameAt: 10,
          decodedAt: 20,
          verdictAt: 30,
          verdict: 'VALID',
        },
        { displayId: 2, frames: 1, misreads: 0, paintedAt: 0, verdictAt: 40, verdict: `INVALID(${LEAKY})` },
      ],
      extra: { unattributedMisreads: 0, rereads: 0, unmatchedVerdicts: 0 },
      clock: undefined,
      camera: undefined,
      agentPipelineMs: { n: 2, p50Ms: 1, p90Ms: 1, p99Ms: 1, maxMs: 1, meanMs: 1 },
      environment: { node: process.version, cpus: 2, loadavg: [0, 0, 0] },
    });
    const files = await writeRigReport(join(dir, 'rig'), report, undefined);
    expect(files).toHaveLength(2);
    for (const f of files) expectClean(f);
  });
});

describe('decode bench report', () => {
  it('a folder of real codes named after their patient: JSON and HTML carry neither text nor name', async () => {
    const folder = join(dir, 'images');
    mkdirSync(folder);
    const grey = toGrey(renderQr(QR, { ecLevel: 'M', moduleSize: 4, quietZone: 4 }));
    const png = new PNG({ width: grey.width, height: grey.height });
    png.data = Buffer.from(toRgba(grey).data);
    writeFileSync(join(folder, `${NAME}-${ID_NO}.png`), PNG.sync.write(png));
    writeFileSync(join(folder, `${NAME}-${ID_NO}.txt`), QR);
    writeFileSync(join(folder, `${PHONE}.png`), PNG.sync.write(png)); // no .txt: listed as skipped
    const report = await runDecodeBench({ imagesDir: folder });
    expect(JSON.stringify(report)).toContain(PHONE); // the file name is in the report...
    const json = join(dir, 'decode.json');
    const html = join(dir, 'decode.html');
    writeJsonReport(json, report);
    writeTextReport(html, renderDecodeHtml(report));
    expectClean(json); // ...but not in clear in the files
    expectClean(html);
    // names are no pattern: the producer must not carry the sample's file name (nor its text)
    expect(JSON.stringify(report)).not.toContain(NAME);
    expect(JSON.stringify(report)).not.toContain(EHC_ID);
  }, 60_000);
});

describe('latency bench report', () => {
  it('the JSON carries neither the central app secret the run used nor any scanned code', async () => {
    let secret = '';
    const r = await runLatencyBench({
      scans: 5,
      warmup: 1,
      peers: async () => {
        const p = await startPeerServices({ lifetimeS: 600, db: 'memory' });
        secret = p.appSecret;
        return p;
      },
    });
    expect(secret.length).toBeGreaterThanOrEqual(16);
    // by structure: figures, verdict counts and closed labels; nothing for the writer to mask
    const raw = JSON.stringify(r);
    expect(raw).not.toContain(secret);
    expect(raw).not.toMatch(/[0-9A-F]{32}/i);
    const f = join(dir, 'latency.json');
    writeJsonReport(f, r);
    expect(readFileSync(f, 'utf8')).not.toContain(secret);
  }, 60_000);
});

describe('fuzz --json', () => {
  it('writes its results through the report writer', async () => {
    const out = join(dir, 'fuzz.json');
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const main = fileURLToPath(new URL('../../fuzz/main.ts', import.meta.url));
    await new Promise<void>((resolve, reject) =>
      execFile(tsx, [main, '--runs', '50', '--target', 'qr-text', '--seed', '1', '--json', out], (e) =>
        e && e.code !== 1 ? reject(e) : resolve(),
      ),
    );
    const results = JSON.parse(expectClean(out)) as { target: string; inputs: number }[];
    expect(results.map((r) => r.target)).toEqual(['qr-text']);
  }, 60_000);
});

describe('every report goes through the report writer', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  /** Files that write with writeFileSync directly, and what they write (no report among them). */
  const ALLOWED: Readonly<Record<string, string>> = {
    'bench/load/peer.ts': 'a V8 CPU profile of the service process (function names and timings)',
    'lab/cipher-machines.ts': 'the soft cipher machine key file (0600, lab only)',
    'lab/tls-material.ts': 'openssl extension files for the lab certificates',
    'doctor/fake-env.ts': 'a fake /sys tree for doctor tests',
    'agent/log/report-file.ts': 'the report writer itself',
  };
  const walk = (d: string): string[] =>
    readdirSync(join(root, d), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(d, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
          ? [join(d, e.name)]
          : [],
    );

  it('no producer (certify, bench, lab, fuzz, cli, doctor, agent) writes a file with writeFileSync itself', () => {
    const direct = ['certify', 'bench', 'lab', 'fuzz', 'cli', 'doctor', 'agent']
      .flatMap(walk)
      .filter((f) =>
        /\bwriteFile(Sync)?\s*\(|createWriteStream\s*\(/.test(readFileSync(join(root, f), 'utf8')),
      )
      .filter((f) => !(f in ALLOWED));
    expect(direct).toEqual([]);
  });
});
