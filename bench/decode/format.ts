/** The decode benchmark as plain-text tables for the terminal. */
import type { DecodeBenchReport } from './run.js';
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
  const lines = tableOf(report, main, full, 28, 'ok/n misread miss med p95', true);
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
      : [`median vs zxing-wasm: ${t.medianRatioVsZxingWasm}x (target <= 1.2x)`]),
    `(${report.meta.samples} samples in ${(report.meta.durationMs / 1000).toFixed(1)} s; ms per image on a shared machine: compare within the run)`,
  );
  return lines.join('\n');
}
