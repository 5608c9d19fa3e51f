/**
 * The rig report as one self-contained HTML page (inline SVG charts, nothing fetched): summary
 * per stage, counts, a histogram of display-to-verdict and a timeline per code (each code's
 * stages as one stacked bar), in the house style of bench/decode/report-html.ts.
 */
import type { Summary } from '../common/samples.js';
import type { RigReport } from './report-build.js';

const COLORS = { frame: '#7570b3', decode: '#d95f02', verify: '#1b9e77', feedback: '#e6ab02' } as const;
const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Histogram of display → verdict, 5 ms bins (wider when the spread needs it). */
function histogram(values: readonly number[], target: number): string {
  const left = 50;
  const top = 30;
  const h = 180;
  const max = Math.max(target * 1.2, ...values);
  const bin = Math.max(5, Math.ceil(max / 60 / 5) * 5);
  const bins = Math.ceil(max / bin);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(v / bin)))]!++;
  const peak = Math.max(1, ...counts);
  const bw = 12;
  const width = left + bins * bw + 20;
  const x = (ms: number): number => left + (ms / bin) * bw;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + h + 40}" role="img" aria-label="display to verdict histogram">`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">Display → verdict, ms (n = ${values.length}, ${bin} ms bins)</text>`,
  ];
  for (const t of [0, 0.5, 1]) {
    const yy = top + h - t * h;
    parts.push(
      `<line x1="${left}" x2="${width - 10}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${yy + 4}" font-size="10" text-anchor="end">${Math.round(t * peak)}</text>`,
    );
  }
  counts.forEach((c, i) => {
    const bh = (c / peak) * h;
    parts.push(
      `<rect x="${left + i * bw}" y="${top + h - bh}" width="${bw - 1}" height="${bh}" fill="#1b9e77"><title>${i * bin}–${(i + 1) * bin} ms: ${c}</title></rect>`,
    );
    if (i % 5 === 0)
      parts.push(`<text x="${left + i * bw}" y="${top + h + 14}" font-size="10">${i * bin}</text>`);
  });
  parts.push(
    `<line x1="${x(target)}" x2="${x(target)}" y1="${top}" y2="${top + h}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${x(target) + 4}" y="${top + 10}" font-size="10" fill="#c00">target p99 ${target} ms</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** One row per code: its stages as stacked segments from the paint instant. */
function timeline(report: RigReport): string {
  const rows = report.perCode;
  const left = 60;
  const rowH = 4;
  const plotW = 760;
  const totals = rows.map((r) => (r.stagesMs.total ?? 0) + (r.stagesMs.feedback ?? 0));
  const max = Math.max(1, ...totals);
  const sx = (ms: number): number => (ms / max) * plotW;
  const height = 50 + rows.length * rowH + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotW + 20}" height="${height}" role="img" aria-label="timeline per code">`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">Timeline per code (ms from the paint instant; one row per display id)</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const xx = left + t * plotW;
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="30" y2="${40 + rows.length * rowH}" stroke="#eee"/>`,
      `<text x="${xx}" y="${52 + rows.length * rowH}" font-size="10" text-anchor="middle">${f(t * max)}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = 36 + i * rowH;
    let at = 0;
    for (const k of ['frame', 'decode', 'verify', 'feedback'] as const) {
      const v = r.stagesMs[k];
      if (v === undefined) continue;
      const w = Math.max(0.5, sx(Math.max(0, v)));
      parts.push(
        `<rect x="${left + sx(at)}" y="${y}" width="${w}" height="${rowH - 1}" fill="${COLORS[k]}"><title>#${r.displayId} ${k}: ${f(v)} ms (${r.frames} frames${r.verdict ? `, ${esc(r.verdict)}` : ', no verdict'})</title></rect>`,
      );
      at += Math.max(0, v);
    }
    if (r.verdict === undefined)
      parts.push(
        `<text x="${left - 4}" y="${y + rowH}" font-size="8" text-anchor="end" fill="#c00">#${r.displayId} missed</text>`,
      );
  });
  Object.entries(COLORS).forEach(([k, c], j) => {
    const lx = left + j * 150;
    parts.push(
      `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${c}"/>`,
      `<text x="${lx + 14}" y="${height - 5}" font-size="11">${k}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const sumRow = (name: string, s: Summary): string =>
  `<tr><td>${esc(name)}</td><td>${s.n}</td><td>${f(s.p50Ms)}</td><td>${f(s.p99Ms)}</td><td>${f(s.maxMs)}</td></tr>`;

export function renderRigHtml(r: RigReport): string {
  const c = r.counts;
  const total = r.stages.find((s) => s.stage === 'total')!;
  const stageRows = r.stages
    .map(
      (s) =>
        `<tr><td>${esc(s.label)}</td><td>${s.n}</td><td>${f(s.p50Ms)}</td><td>${f(s.p99Ms)}</td><td>${f(s.maxMs)}</td></tr>`,
    )
    .join('');
  const cam = r.camera;
  const camRows = cam
    ? [
        sumRow('frame interval (arrivals from the browser)', cam.frameIntervalMs),
        sumRow('frame arrival → decode done', cam.frameToDecodedMs),
        sumRow('simulated optics (degradations) per frame', cam.degradeMs),
        sumRow('decoder per frame', cam.decodeMs),
      ].join('')
    : '';
  const totals = r.perCode.flatMap((p) => (p.stagesMs.total === undefined ? [] : [p.stagesMs.total]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EHC rig report</title>
<style>body{font:14px system-ui,sans-serif;margin:20px;color:#1d2733;max-width:1060px}
table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ccd;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.ok{color:#0a7d5a}.bad{color:#c00}</style></head><body>
<h1>EHC rig: display → verdict</h1>
<p>Reader <b>${esc(r.reader)}</b>, mode ${esc(r.mode)}${r.degrade ? `, camera optics <b>${esc(r.degrade.preset)}</b> (${r.degrade.steps.map((s) => esc(s.kind)).join(', ') || 'none'})` : ''}; ${esc(r.at)};
Node ${esc(r.environment.node)}, ${r.environment.cpus} CPUs, load ${r.environment.loadavg.join(' / ')}.</p>
<p class="${r.target.met ? 'ok' : 'bad'}">Target display → verdict p99 ≤ ${r.target.totalP99Ms} ms with no code missed:
<b>${r.target.met ? 'met' : 'not met'}</b> (p99 ${f(total.p99Ms)} ms, max ${f(total.maxMs)} ms).</p>
<table><tr><th>codes</th><th>shown</th><th>read</th><th>verdicts</th><th>valid</th><th>missed</th><th>misreads</th><th>re-reads</th><th>frames</th></tr>
<tr><td></td><td>${c.shown}</td><td>${c.read}</td><td>${c.verdicts}</td><td>${c.valid}</td><td>${c.missed}</td><td>${c.misreads + c.unattributedMisreads}</td><td>${c.rereads}</td><td>${c.frames}</td></tr></table>
<h2>Stages per code (exact nearest-rank percentiles, ms)</h2>
<table><tr><th>stage</th><th>n</th><th>p50</th><th>p99</th><th>max</th></tr>${stageRows}
${sumRow('agent pipeline (first byte → verdict dispatched)', r.agentPipelineMs)}${camRows}</table>
<p>Clock: ${r.clock ? `page → rig offset ${f(r.clock.offsetMs)} ms ± ${f(r.clock.uncertaintyMs)} ms (${r.clock.samples} round trips); the paint instants carry that uncertainty` : 'not calibrated'}.
What bounds it (medians): ${r.bounds.map((b) => `${esc(b.stage)} ${f(b.p50Ms)} ms (${Math.round(b.share * 100)} %)`).join('; ')}.</p>
${histogram(totals, r.target.totalP99Ms)}
${timeline(r)}
</body></html>
`;
}
