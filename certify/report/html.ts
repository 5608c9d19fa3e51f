import type { CertificationReport, ItemResult, Verdict } from '../types.js';
import { barChart, esc } from './svg.js';

/**
 * The report a lab engineer reads and signs: summary with the §7 verdict, the per-item table
 * (clause, class, verdict, evidence, advice), charts of the performance items, and a sign-off
 * block. One self-contained HTML file.
 */
const VERDICT_STYLE: Record<Verdict, string> = {
  pass: 'background:#d4efdf;color:#145a32',
  fail: 'background:#f5b7b1;color:#78281f',
  error: 'background:#f5b7b1;color:#78281f',
  'pending-manual': 'background:#fcf3cf;color:#7d6608',
  'not-applicable': 'background:#eaeded;color:#424949',
};

const CLASS_ZH = { mandatory: '必选项', recommended: '推荐项', optional: '可选项' } as const;

function row(i: ItemResult): string {
  const measurements = (i.measurements ?? [])
    .map(
      (m) =>
        `${esc(m.name)}: ${m.value.toFixed(m.value >= 100 ? 0 : 2)} ${esc(m.unit)}${m.limit !== undefined ? ` (${m.limitKind === 'min' ? '≥' : '≤'} ${m.limit})` : ''}`,
    )
    .join('<br>');
  const failed = i.verdict === 'fail' || i.verdict === 'error';
  return `<tr id="item-${esc(i.id)}">
<td>${esc(i.id)}</td><td>${esc(i.titleZh)}<br><small>${esc(i.title)}</small></td>
<td>${CLASS_ZH[i.class]}<br><small>${i.class}</small></td>
<td><span class="v" style="${VERDICT_STYLE[i.verdict]}">${esc(i.verdict)}</span>${i.reviewedBy ? `<br><small>by ${esc(i.reviewedBy)}</small>` : ''}</td>
<td><ul>${i.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>${measurements ? `<div class="m">${measurements}</div>` : ''}</td>
<td>${failed ? esc(i.advice) : `<small>${esc(i.expected)}</small>`}</td></tr>`;
}

export function renderHtmlReport(report: CertificationReport): string {
  const charts = report.items
    .flatMap((i) =>
      (i.charts ?? []).map(
        (c) => `<figure>${barChart(c)}<figcaption>${esc(i.id)} ${esc(i.title)}</figcaption></figure>`,
      ),
    )
    .join('\n');
  const s = report.summary;
  const summaryRows = (['mandatory', 'recommended', 'optional'] as const)
    .map(
      (c) =>
        `<tr><td>${CLASS_ZH[c]} (${c})</td><td>${s[c].pass}</td><td>${s[c].fail + s[c].error}</td><td>${s[c]['pending-manual']}</td><td>${s[c]['not-applicable']}</td></tr>`,
    )
    .join('');
  const auto = `automated: ${report.automated.passed}/${report.automated.mandatory} mandatory passed`;
  const headline =
    report.outcome === 'PASSED'
      ? `PASSED — every mandatory item passed (${auto})`
      : report.outcome === 'INCOMPLETE'
        ? `INCOMPLETE — no mandatory item failed, ${report.awaiting.length} mandatory items await a verdict (${auto})`
        : `FAILED — ${report.failed.length > 0 ? `${report.failed.length} mandatory items failed` : `${report.awaiting.length} mandatory items without a verdict, counted as failed (strict)`} (${auto})`;
  const open = [
    ...report.failed.map((i) => ({ ...i, why: 'failed' })),
    ...report.awaiting.map((i) => ({
      ...i,
      why: i.reason === 'manual' ? 'awaiting the lab engineer' : 'not run (--only)',
    })),
  ];
  const openList =
    open.length > 0
      ? `<ul id="open-items">${open.map((i) => `<li><a href="#item-${esc(i.id)}">${esc(i.id)}</a> ${esc(i.title)} — ${esc(i.why)}</li>`).join('')}</ul>`
      : '';
  const headlineStyle =
    report.outcome === 'PASSED'
      ? 'background:#d4efdf'
      : report.outcome === 'INCOMPLETE'
        ? 'background:#fcf3cf'
        : 'background:#f5b7b1';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>电子健康卡联网检测报告 — EHC networking test report</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:24px;color:#1b2631}
h1{font-size:20px} table{border-collapse:collapse;width:100%;font-size:13px} td,th{border:1px solid #ccd1d1;padding:4px 6px;vertical-align:top}
th{background:#f2f3f4} .v{padding:2px 6px;border-radius:3px;font-weight:bold} .m{margin-top:4px;font-family:monospace;font-size:12px}
.headline{font-size:18px;padding:10px;border-radius:4px;${headlineStyle}}
figure{display:inline-block;margin:8px} ul{margin:0;padding-left:16px} .sign td{height:40px}
</style></head><body>
<h1>电子健康卡技术规范 第6部分：联网检测 — 检测报告<br><small>EHC technical specification part 6: networking test — report</small></h1>
<p class="headline" id="verdict">${esc(headline)}</p>
${openList}
<p>Tool: ${esc(report.tool)} ${esc(report.version)} · mode: ${esc(report.mode)} · ${esc(report.startedAt)} → ${esc(report.finishedAt)}${report.strict ? ' · strict' : ''}</p>
<p>Target: ${Object.entries(report.target)
    .map(([k, v]) => `${esc(k)} = <code>${esc(v)}</code>`)
    .join(' · ')}</p>
<h2>Summary (§7 result rule)</h2>
<table id="summary"><tr><th>class</th><th>pass</th><th>fail</th><th>manual, pending</th><th>n/a</th></tr>${summaryRows}</table>
<h2>Performance and stability</h2>
<div id="charts">${charts || '<p>No performance items were run.</p>'}</div>
<h2>Items</h2>
<table id="items"><tr><th>item</th><th>title</th><th>class</th><th>verdict</th><th>evidence</th><th>expected / fix</th></tr>
${report.items.map(row).join('\n')}
</table>
<h2>Sign-off</h2>
<table class="sign"><tr><th>lab engineer</th><th>date</th><th>signature</th></tr><tr><td></td><td></td><td></td></tr></table>
</body></html>
`;
}
