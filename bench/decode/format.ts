/** The decode benchmark as plain-text tables for the terminal. */
import { HEADLINE_BASELINE } from './baselines.js';
import type { DecodeBenchReport } from './run.js';
import type { SpeedRatio } from './speed.js';
import type { CellStats } from './stats.js';

type Row = Record<string, CellStats | undefined>;

function tableOf(
  report: DecodeBenchReport,
  names: readonly string[],
  cell: (c: CellStats) => string,
  width: number,
  subheader: string,
  withUnion: boolean,
): string[] {
  const pad = (s: string): string => s.padStart(width);
  const line = (label: string, row: Row, union: number): string =>
    label.padEnd(16) +
    names.map((n) => pad(row[n] === undefined ? '-' : cell(row[n]))).join('') +
    (withUnion ? String(union).padStart(7) : '');
  return [
    'category'.padEnd(16) +
      names.map((n) => pad(n.length > width - 1 ? n.slice(-(width - 1)) : n)).join('') +
      (withUnion ? 'union'.padStart(7) : ''),
    ''.padEnd(16) + names.map(() => pad(subheader)).join(''),
    ...Object.entries(report.categories).map(([c, row]) => line(c, row, report.unionByCategory[c] ?? 0)),
    line('overall', report.overall, report.overall['baselines-union']?.ok ?? 0),
  ];
}

export function formatDecodeBench(report: DecodeBenchReport): string {
  const main = [...(report.subject === undefined ? [] : [report.subject]), ...report.baselines];
  const full = (c: CellStats): string =>
    `${c.ok}/${c.n} ${c.misreads} ${c.misses} ${c.medianMs.toFixed(1)} ${c.p95Ms.toFixed(1)}`;
  const width = Math.max(28, ...main.map((n) => n.length + 2));
  const lines = tableOf(report, main, full, width, 'ok/n misread miss med p95', true);
  if (report.variants.length > 0) {
    const short = (c: CellStats): string => `${c.ok}/${c.n} ${c.medianMs.toFixed(1)}`;
    const width = Math.max(14, ...report.variants.map((v) => v.length + 2));
    lines.push('', ...tableOf(report, report.variants, short, width, 'ok/n med', false));
  }
  const t = report.targets;
  lines.push(
    '',
    `every category >= best baseline: ${t.everyCategoryAtLeastBestBaseline ? 'yes' : `no (${t.categoriesBehind.join(', ')})`}`,
    `overall >= union of baselines: ${t.atLeastUnion ? 'yes' : 'no'} (${t.overallOk} vs ${t.baselinesUnionOk})`,
    ...(t.medianRatioVsZxingWasm === undefined
      ? []
      : [`median vs ${HEADLINE_BASELINE}: ${t.medianRatioVsZxingWasm}x (target <= 1.2x)`]),
  );
  if (report.speed !== undefined && report.subject !== undefined) {
    lines.push(
      '',
      `${report.subject} median time vs zxing-wasm, same run, same samples (ratio of medians / paired median):`,
    );
    const labels = report.speed.baselines;
    const w = Math.max(...labels.map((b) => b.length + 2), 22);
    lines.push('category'.padEnd(16) + 'n'.padStart(6) + labels.map((b) => b.padStart(w)).join(''));
    const row = (label: string, r: Record<string, SpeedRatio> | undefined): string =>
      label.padEnd(16) +
      String(r?.[labels[0] ?? '']?.samples ?? 0).padStart(6) +
      labels
        .map((b) => {
          const x = r?.[b];
          return (
            x === undefined ? '-' : `${x.ofMedians.toFixed(2)}x / ${x.pairedMedian.toFixed(2)}x`
          ).padStart(w);
        })
        .join('');
    for (const [c, r] of Object.entries(report.speed.categories)) lines.push(row(c, r));
    lines.push(row('overall', report.speed.overall));
  }
  const m = report.meta;
  lines.push(
    '',
    `(${m.samples} samples in ${(m.durationMs / 1000).toFixed(1)} s on ${m.cpuModel}, ${m.cpus} cores, load average ${m.loadAverage.join(' / ')} at the end, Node ${m.node}; ms per image on a shared machine: compare within the run)`,
  );
  return lines.join('\n');
}
