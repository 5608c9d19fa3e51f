/**
 * The decode benchmark as a self-contained HTML page: target summary, success and latency bar
 * charts (inline SVG, no external assets), what each ladder attempt bought, and the full table.
 */
import { HEADLINE_BASELINE } from './baselines.js';
import type { DecodeBenchReport } from './run.js';
import type { SpeedRatio } from './speed.js';

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

/** Grouped vertical bars: one group per label, one bar per series. */
function groupedBars(
  title: string,
  labels: readonly string[],
  series: readonly Series[],
  opts: { max: number; format: (v: number) => string; log?: boolean },
): string {
  const barW = 12;
  const gap = 14;
  const groupW = series.length * barW + gap;
  const left = 50;
  const top = 30;
  const h = 200;
  const width = left + labels.length * groupW + 20;
  const height = top + h + 90;
  const min = opts.log ? 0.1 : 0;
  const y = (v: number): number => {
    if (opts.log) {
      const lv = Math.log10(Math.max(v, min));
      return top + h - ((lv - Math.log10(min)) / (Math.log10(opts.max) - Math.log10(min))) * h;
    }
    return top + h - (Math.min(v, opts.max) / opts.max) * h;
  };
  const ticks = opts.log
    ? [0.1, 1, 10, 100, 1000].filter((t) => t <= opts.max)
    : [0, 0.25, 0.5, 0.75, 1].map((f) => f * opts.max);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${y(t) + 4}" font-size="10" text-anchor="end">${esc(opts.format(t))}</text>`,
    );
  }
  labels.forEach((label, i) => {
    const gx = left + i * groupW + gap / 2;
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const yy = y(v);
      parts.push(
        `<rect x="${gx + j * barW}" y="${yy}" width="${barW - 2}" height="${Math.max(0, top + h - yy)}" fill="${COLORS[j % COLORS.length]}"><title>${esc(`${label} · ${s.name}: ${opts.format(v)}`)}</title></rect>`,
      );
    });
    const cx = gx + (series.length * barW) / 2;
    parts.push(
      `<text x="${cx}" y="${top + h + 12}" font-size="10" text-anchor="end" transform="rotate(-40 ${cx} ${top + h + 12})">${esc(label)}</text>`,
    );
  });
  series.forEach((s, j) => {
    const lx = left + j * 130;
    parts.push(
      `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/>`,
      `<text x="${lx + 14}" y="${height - 5}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function table(report: DecodeBenchReport): string {
  const head = report.decoders.map((d) => `<th colspan="5">${esc(d)}</th>`).join('');
  const sub = report.decoders
    .map(() => '<th>ok/n</th><th>misreads</th><th>misses</th><th>median ms</th><th>p95 ms</th>')
    .join('');
  const rows = Object.entries(report.categories).map(([category, row]) => {
    const cells = report.decoders
      .map((d) => {
        const c = row[d];
        return c === undefined
          ? '<td colspan="5">–</td>'
          : `<td>${c.ok}/${c.n}</td><td>${c.misreads}</td><td>${c.misses}</td><td>${c.medianMs.toFixed(2)}</td><td>${c.p95Ms.toFixed(2)}</td>`;
      })
      .join('');
    return `<tr><th>${esc(category)}</th>${cells}<td>${report.unionByCategory[category] ?? 0}</td></tr>`;
  });
  const overall = report.decoders
    .map((d) => {
      const c = report.overall[d];
      return c === undefined
        ? '<td colspan="5">–</td>'
        : `<td>${c.ok}/${c.n}</td><td>${c.misreads}</td><td>${c.misses}</td><td>${c.medianMs.toFixed(2)}</td><td>${c.p95Ms.toFixed(2)}</td>`;
    })
    .join('');
  const unionOk = report.overall['baselines-union']?.ok ?? 0;
  return `<table><thead><tr><th rowspan="2">category</th>${head}<th rowspan="2">baselines union ok</th></tr><tr>${sub}</tr></thead>
<tbody>${rows.join('\n')}<tr class="total"><th>overall</th>${overall}<td>${unionOk}</td></tr></tbody></table>`;
}

/** The subject's speed vs each zxing-wasm row, per category: ratio of medians and paired median. */
function speedTable(report: DecodeBenchReport): string {
  const sp = report.speed;
  if (sp === undefined || report.subject === undefined) return '';
  const head = sp.baselines.map((b) => `<th colspan="2">vs ${esc(b)}</th>`).join('');
  const sub = sp.baselines.map(() => '<th>ratio of medians</th><th>paired median</th>').join('');
  const row = (label: string, r: Record<string, SpeedRatio> | undefined, cls = ''): string =>
    `<tr${cls}><th>${esc(label)}</th><td>${r?.[sp.baselines[0] ?? '']?.samples ?? 0}</td>${sp.baselines
      .map((b) => {
        const x = r?.[b];
        return x === undefined
          ? '<td colspan="2">–</td>'
          : `<td>${x.ofMedians.toFixed(2)}×</td><td>${x.pairedMedian.toFixed(2)}×</td>`;
      })
      .join('')}</tr>`;
  return `<h2>${esc(report.subject)} median time vs zxing-wasm</h2>
<p class="note">Same run, same samples. Ratio of medians: ${esc(report.subject)}'s median ms / the baseline's; paired median: the median over samples of ${esc(report.subject)} ms / baseline ms. Below 1 means ${esc(report.subject)} is faster. The headline is ${esc(sp.baselines[0] ?? '')}, configured like ${esc(report.subject)} (QR only, plain text).</p>
<table><thead><tr><th rowspan="2">category</th><th rowspan="2">samples</th>${head}</tr><tr>${sub}</tr></thead>
<tbody>${Object.entries(sp.categories)
    .map(([c, r]) => row(c, r))
    .join('\n')}${row('overall', sp.overall, ' class="total"')}</tbody></table>`;
}

function viaChart(report: DecodeBenchReport): string {
  const categories = Object.keys(report.via);
  const attempts = [...new Set(categories.flatMap((c) => Object.keys(report.via[c] ?? {})))];
  if (attempts.length === 0) return '';
  const series = attempts.map((a) => ({ name: a, values: categories.map((c) => report.via[c]?.[a] ?? 0) }));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  return groupedBars(`${report.subject ?? ''}: samples read at each ladder attempt`, categories, series, {
    max,
    format: (v) => String(Math.round(v)),
  });
}

export function renderHtmlReport(report: DecodeBenchReport): string {
  const categories = Object.keys(report.categories);
  const main = [...(report.subject === undefined ? [] : [report.subject]), ...report.baselines];
  const rateOf = (names: readonly string[]): Series[] =>
    names.map((d) => ({ name: d, values: categories.map((c) => report.categories[c]?.[d]?.rate ?? 0) }));
  const rate = rateOf(main);
  const ablation =
    report.variants.length === 0
      ? ''
      : groupedBars(
          'Ablation: success rate per category',
          categories,
          rateOf([...main.slice(0, 1), ...report.variants]),
          {
            max: 1,
            format: (v) => `${Math.round(v * 100)}%`,
          },
        );
  const median = main.map((d) => ({
    name: d,
    values: categories.map((c) => report.categories[c]?.[d]?.medianMs ?? 0),
  }));
  const maxMs = Math.max(1, ...median.flatMap((s) => s.values));
  const logMax = 10 ** Math.ceil(Math.log10(maxMs));
  const t = report.targets;
  const m = report.meta;
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'NOT met');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Decode benchmark</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
thead th{background:#f3f3f3}tbody th{text-align:left}tr.total{font-weight:bold;background:#fafafa}
svg{display:block;margin:16px 0}.note{color:#555;font-size:13px}
</style></head><body>
<h1>Decode benchmark</h1>
<p class="note">${m.samples} samples, corpus ${esc(m.corpus)}${m.seed === undefined ? '' : `, seed ${m.seed}, ${m.perCategory} per category`}; Node ${esc(m.node)}, ${esc(m.cpuModel)}, ${m.cpus} cores, load average ${m.loadAverage.join(' / ')} at the end; ${(m.durationMs / 1000).toFixed(1)} s. Times are wall-clock per image on a shared machine: compare decoders within this run, not across runs.</p>
<h2>Targets</h2>
<ul>
<li>Every category at least the best baseline: <b>${verdict(t.everyCategoryAtLeastBestBaseline)}</b>${t.categoriesBehind.length > 0 ? ` (behind in ${esc(t.categoriesBehind.join(', '))})` : ''}</li>
<li>Overall at least the union of baselines: <b>${verdict(t.atLeastUnion)}</b> (${t.overallOk} vs ${t.baselinesUnionOk})</li>
<li>Median time ≤ 1.2× ${esc(HEADLINE_BASELINE)}: <b>${verdict(t.medianWithin1_2x)}</b>${t.medianRatioVsZxingWasm === undefined ? '' : ` (ratio ${t.medianRatioVsZxingWasm})`}</li>
</ul>
${groupedBars('Success rate per category', categories, rate, { max: 1, format: (v) => `${Math.round(v * 100)}%` })}
${groupedBars('Median ms per image (log scale)', categories, median, { max: logMax, format: (v) => (v < 1 ? v.toFixed(1) : String(Math.round(v))), log: true })}
${viaChart(report)}
${ablation}
${speedTable(report)}
<h2>Table</h2>
${table(report)}
</body></html>
`;
}
