/** Minimal inline-SVG charts for self-contained HTML reports (no external assets, no scripts). */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

export interface BarChartInput {
  readonly title: string;
  readonly unit: string;
  readonly points: readonly { readonly label: string; readonly value: number }[];
  /** A horizontal limit line (e.g. TPS ≥ 30, latency ≤ 1000 ms). */
  readonly limit?: number;
}

export function barChart(input: BarChartInput, width = 560, height = 220): string {
  const pad = { l: 56, r: 12, t: 28, b: 44 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const max = Math.max(1e-9, input.limit ?? 0, ...input.points.map((p) => p.value)) * 1.1;
  const n = Math.max(1, input.points.length);
  const bw = (w / n) * 0.7;
  const y = (v: number): number => pad.t + h - (v / max) * h;
  const bars = input.points
    .map((p, i) => {
      const x = pad.l + (i + 0.15) * (w / n);
      const top = y(p.value);
      const overLimit = input.limit !== undefined && p.value > input.limit;
      return (
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${(pad.t + h - top).toFixed(1)}" fill="${overLimit ? '#c0392b' : '#2e86c1'}"><title>${esc(p.label)}: ${fmt(p.value)} ${esc(input.unit)}</title></rect>` +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" font-size="10" text-anchor="middle">${fmt(p.value)}</text>` +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${height - pad.b + 14}" font-size="10" text-anchor="middle">${esc(p.label)}</text>`
      );
    })
    .join('');
  const limit =
    input.limit === undefined
      ? ''
      : `<line x1="${pad.l}" x2="${pad.l + w}" y1="${y(input.limit).toFixed(1)}" y2="${y(input.limit).toFixed(1)}" stroke="#e67e22" stroke-dasharray="4 3"/><text x="${pad.l + w}" y="${(y(input.limit) - 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#e67e22">limit ${fmt(input.limit)} ${esc(input.unit)}</text>`;
  const axis = `<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${pad.t + h}" stroke="#555"/><line x1="${pad.l}" x2="${pad.l + w}" y1="${pad.t + h}" y2="${pad.t + h}" stroke="#555"/><text x="${pad.l - 4}" y="${pad.t + 4}" font-size="10" text-anchor="end">${fmt(max)}</text><text x="${pad.l - 4}" y="${pad.t + h}" font-size="10" text-anchor="end">0</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(input.title)}"><text x="${pad.l}" y="16" font-size="13" font-weight="bold">${esc(input.title)} (${esc(input.unit)})</text>${axis}${bars}${limit}</svg>`;
}
