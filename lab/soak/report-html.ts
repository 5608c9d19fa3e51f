/**
 * The soak as a self-contained HTML page (house style of bench/decode/report-html.ts): the
 * assertions, the fault timeline and, on the same time axis with the fault intervals shaded,
 * TPS, scan → verdict latency, RSS and open file descriptors (inline SVG, nothing fetched).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonReport, writeTextReport } from '../../agent/log/report-file.js';
import type { SoakResult, SoakSample } from './run.js';
import { SOAK_FAULTS, type SoakFaultName } from './schedule.js';

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];
const FAULT_COLOR: Readonly<Record<SoakFaultName, string>> = Object.fromEntries(
  SOAK_FAULTS.map((f, i) => [f, COLORS[i % COLORS.length]!]),
) as Record<SoakFaultName, string>;

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const W = 960;
const LEFT = 150;
const RIGHT = 20;

interface Line {
  readonly name: string;
  readonly value: (s: SoakSample) => number;
}

function xScale(r: SoakResult): (t: number) => number {
  const end = Math.max(1, r.samples.at(-1)?.tS ?? r.durationS);
  return (t: number) => LEFT + (Math.min(t, end) / end) * (W - LEFT - RIGHT);
}

/** Shaded fault intervals behind a chart. */
function bands(r: SoakResult, top: number, h: number): string {
  const x = xScale(r);
  return r.faultEvents
    .filter((e) => e.injectedS !== undefined)
    .map((e) => {
      const x0 = x(e.injectedS!);
      const x1 = x(e.clearedS ?? e.untilS);
      return `<rect x="${x0}" y="${top}" width="${Math.max(1, x1 - x0)}" height="${h}" fill="${FAULT_COLOR[e.fault]}" opacity="0.12"><title>${esc(`${e.fault} ${e.injectedS!.toFixed(1)}–${(e.clearedS ?? e.untilS).toFixed(1)} s`)}</title></rect>`;
    })
    .join('\n');
}

function timeChart(r: SoakResult, title: string, unit: string, lines: readonly Line[]): string {
  const top = 30;
  const h = 160;
  const height = top + h + 40;
  const x = xScale(r);
  const max = Math.max(1e-9, ...r.samples.flatMap((s) => lines.map((l) => l.value(s)))) * 1.1;
  const y = (v: number): number => top + h - (Math.max(0, v) / max) * h;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    bands(r, top, h),
  ];
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = f * max;
    parts.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${esc(v >= 100 ? v.toFixed(0) : v.toFixed(1))}</text>`,
    );
  }
  const end = r.samples.at(-1)?.tS ?? r.durationS;
  for (let i = 0; i <= 8; i++) {
    const t = (end * i) / 8;
    parts.push(
      `<text x="${x(t)}" y="${top + h + 14}" font-size="10" text-anchor="middle">${esc(t >= 120 ? `${(t / 60).toFixed(0)} min` : `${t.toFixed(0)} s`)}</text>`,
    );
  }
  parts.push(
    `<line x1="${x(r.durationS)}" x2="${x(r.durationS)}" y1="${top}" y2="${top + h}" stroke="#444" stroke-dasharray="4 3"><title>end of load, recovery after</title></line>`,
  );
  lines.forEach((l, j) => {
    const pts = r.samples.map((s) => `${x(s.tS).toFixed(1)},${y(l.value(s)).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${COLORS[j % COLORS.length]}" stroke-width="1.3" points="${pts}"/>`,
    );
    const lx = LEFT + j * 170;
    parts.push(
      `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/>`,
      `<text x="${lx + 14}" y="${height - 5}" font-size="11">${esc(`${l.name} (${unit})`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function timeline(r: SoakResult): string {
  const classes = r.faultClasses.map((c) => c.fault);
  const rowH = 18;
  const top = 30;
  const height = top + classes.length * rowH + 10;
  const x = xScale(r);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" role="img" aria-label="fault timeline">`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="bold">Fault timeline</text>`,
  ];
  classes.forEach((f, i) => {
    const yy = top + i * rowH;
    parts.push(`<text x="${LEFT - 4}" y="${yy + 12}" font-size="10" text-anchor="end">${esc(f)}</text>`);
    parts.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${yy + rowH / 2}" y2="${yy + rowH / 2}" stroke="#eee"/>`,
    );
    for (const e of r.faultEvents.filter((x) => x.fault === f && x.injectedS !== undefined)) {
      const x0 = x(e.injectedS!);
      const x1 = x(e.clearedS ?? e.untilS);
      parts.push(
        `<rect x="${x0}" y="${yy + 2}" width="${Math.max(1.5, x1 - x0)}" height="${rowH - 4}" fill="${e.error ? '#c00' : FAULT_COLOR[f]}"><title>${esc(`${f}${e.target ? ` ${e.target}` : ''}${e.ms === undefined ? '' : ` ${e.ms} ms`}: ${e.injectedS!.toFixed(1)}–${(e.clearedS ?? e.untilS).toFixed(1)} s. ${e.evidence.join(' / ')}${e.error ? ` ERROR ${e.error}` : ''}`)}</title></rect>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const row = (cells: readonly string[], head = false): string =>
  `<tr>${cells.map((c) => (head ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`;

export function soakReportHtml(r: SoakResult): string {
  const a = r.assertions.map((x) => row([x.ok ? 'PASS' : 'FAIL', x.name, x.value, x.bound, x.detail ?? '']));
  const classes = r.faultClasses.map((c) =>
    row([
      c.fault,
      `${c.survived}/${c.planned}`,
      String(c.errors),
      String(c.scansDuring),
      Object.entries(c.verdictsDuring)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', '),
    ]),
  );
  const verdicts = Object.entries(r.scans.verdicts).map(([k, n]) => row([k, String(n)]));
  const res = r.resources;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ehc soak ${esc(r.startedAt)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
th{background:#f4f4f4}.ok{color:#1b7e3a;font-weight:bold}.bad{color:#c00;font-weight:bold}svg{display:block;margin:10px 0}
</style></head><body>
<h1>ehc soak — <span class="${r.ok ? 'ok' : 'bad'}">${r.ok ? 'PASSED' : 'FAILED'}</span></h1>
<p>Started ${esc(r.startedAt)}, ${(r.durationS / 60).toFixed(1)} min of load (${r.schedule.load.terminals} virtual terminals, ${r.schedule.load.scansPerSecond} scans/s target), then ${r.outbox.drainS.toFixed(1)} s of recovery.
${r.scans.sent} scans sent, ${r.scans.answered} answered, ${r.scans.lost} lost. Event-loop lag p50 ${r.eventLoop.p50Ms.toFixed(1)} ms, p99 ${r.eventLoop.p99Ms.toFixed(1)} ms, max ${r.eventLoop.maxMs.toFixed(1)} ms.
RSS ${res.rssStartMb.toFixed(0)} → ${res.rssEndMb.toFixed(0)} MB (peak ${res.rssPeakMb.toFixed(0)}), slope ${res.rssSlopeMbPerMin.toFixed(2)} MB/min after ${res.warmupS} s warm-up${res.anonSlopeMbPerMin === undefined ? '' : ` (anonymous ${res.anonSlopeMbPerMin.toFixed(2)}, file-backed ${res.fileSlopeMbPerMin?.toFixed(2)})`}, JS heap ${res.heapSlopeMbPerMin.toFixed(2)} MB/min; fds ${res.fdsStart} → ${res.fdsEnd} (peak ${res.fdsPeak}), slope ${res.fdSlopePerMin.toFixed(2)}/min. Resources are the soak process's (agent, central service, relays, terminals, load generator); the cipher machine runs in its own process.</p>
<h2>Assertions</h2>
<table>${row(['', 'assertion', 'measured', 'bound', 'detail'], true)}${a.join('')}</table>
${timeline(r)}
${timeChart(r, 'Verdicts per second', 'TPS', [{ name: 'verdicts/s', value: (s) => s.tps }])}
${timeChart(r, 'Scan → verdict latency (harness: terminal link, agent, peers)', 'ms', [
  { name: 'p50', value: (s) => s.latP50Ms },
  { name: 'p99', value: (s) => s.latP99Ms },
])}
${timeChart(r, 'Resident set size', 'MB', [
  { name: 'RSS', value: (s) => s.rssMb },
  ...(r.samples.every((s) => s.anonMb !== undefined)
    ? [{ name: 'anonymous RSS', value: (s: SoakSample) => s.anonMb ?? 0 }]
    : []),
  { name: 'JS heap used', value: (s) => s.heapMb },
])}
${timeChart(r, 'Open file descriptors', 'count', [{ name: 'fds', value: (s) => s.fds }])}
${timeChart(r, 'Event-loop lag per second', 'ms', [
  { name: 'p99', value: (s) => s.lagP99Ms },
  { name: 'max', value: (s) => s.lagMaxMs },
])}
<h2>Faults by class</h2>
<table>${row(['fault', 'survived/planned', 'errors', 'scans sent during', 'first verdict of those scans'], true)}${classes.join('')}</table>
<h2>Verdicts</h2>
<table>${row(['verdict', 'count'], true)}${verdicts.join('')}</table>
<p>Extra verdicts (a scan answered again after a reconnect): ${r.scans.extraVerdicts}. Terminal waited for a fresh code: ${r.scans.starved} times; code generation failures at the central service: ${r.scans.generateFailures}.
Refused at the terminal but claimed at the central service (code used up without a use): ${r.scans.refusedButClaimedAtCentral}.
Outbox: ${r.outbox.accepted} uses accepted, ${r.outbox.delivered} stored at the central service, ${r.outbox.missing} missing, ${r.outbox.phantom} unknown.</p>
</body></html>
`;
}

/** Writes `soak-report.json` and `soak-report.html` into `dir` (created if missing), scrubbed. */
export function writeSoakReport(dir: string, r: SoakResult): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'soak-report.json');
  const html = join(dir, 'soak-report.html');
  writeJsonReport(json, r);
  writeTextReport(html, soakReportHtml(r));
  return { json, html };
}
