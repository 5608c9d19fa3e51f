/**
 * `ehc rig run`: the code display page, a reader and the agent, end to end on one machine. A lab
 * (cipher machine, central service, agent in `chain` mode) generates real single-use codes for
 * one registered resident; the page shows them one at a time; the reader reads the screen — the
 * virtual camera (headless Chromium frames → FrameCamera → native terminal → agent) or a
 * scanner on a real port the agent opens — and the report says, per code, painted → first frame
 * → decoded → verdict → feedback.
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeJsonReport, writeTextReport } from '../../agent/log/report-file.js';
import { initDecoder } from '../../firmware-sdk/decode/decoder.js';
import type { DegradeStep } from '../../firmware-sdk/render/degrade.js';
import { FrameCamera } from '../../firmware-sdk/virtual/native/frame-camera.js';
import type { LabExternalScanner } from '../../lab/spec.js';
import { type LabSystem, startLab } from '../../lab/start.js';
import { EhcError } from '../../protocol/errors.js';
import { summarize } from '../common/samples.js';
import { chromiumPath } from './chromium.js';
import { RigCollector } from './collector.js';
import { DEFAULT_DEGRADE, degradePreset } from './degradations.js';
import { type DisplayMode, DisplayServer, rigNow } from './display-server.js';
import { buildReport, type RigReport } from './report-build.js';
import { renderRigHtml } from './report-html.js';
import { residentCodes } from './residents.js';
import { VirtualCamera } from './virtual-camera.js';

export const RIG_TERMINAL = 'RIG-0001';

export interface RigOptions {
  readonly reader: 'virtual' | 'scanner';
  readonly codes: number;
  /** How the page moves on (default `verdict`). */
  readonly mode?: DisplayMode;
  readonly everyMs?: number;
  readonly gapMs?: number;
  readonly missAfterMs?: number;
  /** Virtual reader: a preset name of degradations.ts (default `realistic`). */
  readonly degrade?: string;
  readonly seed?: number;
  readonly chromium?: string;
  /** Scanner reader: the port and driver the agent opens. */
  readonly scanner?: Omit<LabExternalScanner, 'id'>;
  /** Where the page is served (scanner reader: a host the screen's browser can reach). */
  readonly displayHost?: string;
  readonly displayPort?: number;
  /** Directory for rig-report.html, rig-report.json (and rig-report.png with the virtual reader). */
  readonly out?: string;
  /** Told the page's URL once it is served (the scanner reader's user opens it on the screen). */
  readonly onReady?: (url: string) => void;
}

export interface RigResult {
  readonly report: RigReport;
  readonly files: readonly string[];
}

export async function runRig(o: RigOptions): Promise<RigResult> {
  if (o.reader === 'scanner' && !o.scanner?.port)
    throw new EhcError('RIG_BAD_OPTION', 'the scanner reader needs a port (--port)');
  const executablePath = o.reader === 'virtual' ? chromiumPath(o.chromium) : undefined;
  const degrade: readonly DegradeStep[] =
    o.reader === 'virtual' ? degradePreset(o.degrade ?? DEFAULT_DEGRADE) : [];
  const deviceId = o.reader === 'virtual' ? 'rig-camera' : 'rig-scanner';
  let lab: LabSystem | undefined;
  let display: DisplayServer | undefined;
  let camera: VirtualCamera | undefined;
  try {
    lab = await startLab({
      central: { terminals: [{ terminalCode: RIG_TERMINAL, name: 'rig', orgCode: 'LAB', enabled: true }] },
      terminals:
        o.reader === 'virtual'
          ? [{ id: deviceId, terminalCode: RIG_TERMINAL, channelCode: '01', identity: { model: 'VT-CAM' } }]
          : [],
      agents: [
        {
          dedupeWindowMs: 0,
          // 1 s, not the lab's 200 ms: the rig shares its cores with Chromium and the decoder,
          // and a slow answer should show as latency, not as an UNAVAILABLE verdict.
          hsmTimeoutMs: 1000,
          terminalCode: RIG_TERMINAL,
          channelCode: '01',
          ...(o.reader === 'scanner' ? { scanners: [{ id: deviceId, ...o.scanner! }] } : {}),
        },
      ],
    });
    const app = lab.app!;
    const nextCode = await residentCodes(app);
    if (o.reader === 'virtual') await initDecoder();
    display = await DisplayServer.start({
      nextCode,
      codes: o.codes,
      mode: o.mode ?? 'verdict',
      ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}),
      ...(o.gapMs !== undefined ? { gapMs: o.gapMs } : {}),
      missAfterMs: o.missAfterMs ?? 3000,
      ...(o.displayHost ? { host: o.displayHost } : {}),
      ...(o.displayPort !== undefined ? { port: o.displayPort } : {}),
    });
    const d = display;
    const col = new RigCollector();
    d.onPainted = (c) => col.painted(c.displayId, c.paintedAt!);
    const { agent } = lab.agents.get('agent')!;
    const session = agent.scanners.session(deviceId);
    if (!session) throw new EhcError('RIG_NO_READER', `the agent did not open ${deviceId}`);
    const pipelineMs: number[] = [];
    session.on('scan', (s) => {
      const id = d.idOf(s.text);
      if (o.reader === 'scanner') col.read(id, undefined, rigNow());
      col.scan(id);
    });
    const offVerdict = agent.pipeline.onVerdict((e) => {
      if (e.deviceId !== deviceId) return;
      const v = e.verdict.verdict === 'VALID' ? 'VALID' : `${e.verdict.verdict}(${e.verdict.reason})`;
      const id = col.verdict(v, rigNow());
      if (id !== undefined) {
        d.settle(id, v);
        if (e.stagesMs.total !== undefined) pipelineMs.push(e.stagesMs.total);
      }
    });
    const frameGaps: number[] = [];
    const frameAge: number[] = [];
    const degradeMs: number[] = [];
    const decodeMs: number[] = [];
    let offFeedback: () => unknown = () => undefined;
    if (o.reader === 'virtual') {
      const native = lab.terminal(deviceId).native!;
      offFeedback = native.feedback.listen((r) => {
        if (r.part === 'led' && r.kind !== 'off') col.feedback(rigNow());
      });
      const fc = new FrameCamera({
        report: (sym) => native.runtime.reportSymbol(sym),
        degrade,
        seed: o.seed ?? 1,
      });
      let lastFrame: number | undefined;
      camera = await VirtualCamera.open({
        executablePath: executablePath!,
        url: d.url,
        camera: fc,
        skip: (id) => col.isRead(id),
        onFrame: (f) => {
          if (lastFrame !== undefined) frameGaps.push(f.at - lastFrame);
          lastFrame = f.at;
          if (f.displayId) col.frame(f.displayId, f.at);
        },
        onDecoded: (f, out, at) => {
          frameAge.push(at - f.at);
          degradeMs.push(out.degradeMs);
          decodeMs.push(out.result.ms);
          if (out.result.ok) col.read(d.idOf(out.result.text), f.displayId, at);
        },
      });
    }
    o.onReady?.(d.url);
    if (o.reader === 'virtual') await stalled(d, camera!, (o.missAfterMs ?? 3000) * 3);
    else await d.done;
    // The last code's verdict (or its miss) settles within missAfterMs.
    const until = rigNow() + (o.missAfterMs ?? 3000) + 500;
    while (rigNow() < until && d.shown().some((c) => c.verdict === undefined)) await sleep(20);
    await sleep(50); // the last feedback command in flight
    offVerdict();
    offFeedback();
    const report = buildReport({
      reader: o.reader,
      mode: o.mode ?? 'verdict',
      degrade: o.reader === 'virtual' ? { preset: o.degrade ?? DEFAULT_DEGRADE, steps: degrade } : undefined,
      records: col.records().filter((r) => d.shown().some((c) => c.displayId === r.displayId)),
      extra: col.extra,
      clock: d.offset,
      camera: camera
        ? {
            ...camera.counts,
            frameIntervalMs: summarize(frameGaps),
            frameToDecodedMs: summarize(frameAge),
            degradeMs: summarize(degradeMs),
            decodeMs: summarize(decodeMs),
          }
        : undefined,
      agentPipelineMs: summarize(pipelineMs),
      environment: {
        node: process.version,
        cpus: cpus().length,
        loadavg: loadavg().map((v) => Math.round(v * 100) / 100),
      },
    });
    const files = o.out ? await writeRigReport(o.out, report, camera) : [];
    return { report, files };
  } finally {
    await camera?.close();
    await display?.close();
    await lab?.stop();
  }
}

export async function writeRigReport(
  dir: string,
  report: RigReport,
  camera: VirtualCamera | undefined,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'rig-report.json');
  const html = join(dir, 'rig-report.html');
  writeJsonReport(json, report);
  writeTextReport(html, renderRigHtml(report));
  if (!camera) return [html, json];
  // A picture of the report, taken by the browser the rig already has.
  const png = join(dir, 'rig-report.png');
  const page = await camera.browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.screenshot({ path: png, fullPage: true });
  await page.close();
  return [html, json, png];
}

/**
 * Resolves when the page is done; rejects (RIG_STALLED) when no new code was handed out for
 * `ms`, with what the page shows, so a broken run ends with a reason instead of hanging.
 */
async function stalled(d: DisplayServer, camera: VirtualCamera, ms: number): Promise<void> {
  let seen = -1;
  let since = rigNow();
  let finished = false;
  void d.done.then(() => {
    finished = true;
  });
  while (!finished) {
    await sleep(100);
    const n = d.shown().length;
    if (n !== seen) {
      seen = n;
      since = rigNow();
    } else if (rigNow() - since > ms) {
      const text = (await camera.page.textContent('body').catch(() => null)) ?? '(page unreadable)';
      throw new EhcError(
        'RIG_STALLED',
        `no new code for ${ms} ms after ${n} codes; the page shows: ${text.replace(/\s+/g, ' ').slice(0, 200)}`,
      );
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
