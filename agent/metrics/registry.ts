import hdr from 'hdr-histogram-js';

/**
 * A small metrics registry with Prometheus text exposition: counters with labels, and latency
 * histograms that keep both Prometheus buckets (for scraping) and an HDR histogram in µs (exact
 * p50/p99 for the demo summary and benchmarks). Recording is O(1) and allocation-free.
 */
const DEFAULT_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

type Labels = Readonly<Record<string, string>>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',');
}

/** The labels a `labelKey` stands for. */
function labelsOfKey(k: string): Labels {
  const out: Record<string, string> = {};
  for (const m of k.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  /** Every label set counted so far, with its value. */
  entries(): { labels: Labels; value: number }[] {
    return [...this.values].map(([k, value]) => ({ labels: labelsOfKey(k), value }));
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

export interface Percentiles {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Series up to this many samples report exact percentiles. */
const EXACT_SAMPLES = 1024;

class Series {
  readonly buckets: number[];
  sum = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  /** The first EXACT_SAMPLES values, for exact percentiles of small series. */
  readonly raw: number[] = [];
  readonly hdr = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  constructor(n: number) {
    this.buckets = new Array<number>(n).fill(0);
  }
}

export class Histogram {
  private readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bucketsMs: readonly number[] = DEFAULT_BUCKETS_MS,
  ) {}

  observe(ms: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = new Series(this.bucketsMs.length);
      this.series.set(k, s);
    }
    const v = Math.max(ms, 0);
    s.sum += v;
    s.count++;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
    if (s.raw.length < EXACT_SAMPLES) s.raw.push(v);
    for (let i = 0; i < this.bucketsMs.length; i++) if (v <= this.bucketsMs[i]!) s.buckets[i]!++;
    s.hdr.recordValue(Math.max(1, Math.round(v * 1000)));
  }

  percentiles(labels: Labels = {}): Percentiles | undefined {
    const s = this.series.get(labelKey(labels));
    if (!s || s.count === 0) return undefined;
    // Exact nearest rank while every sample is kept; beyond that the HDR bucket value, clamped to
    // the recorded min and max (a bucket's value can lie above the largest sample in it).
    const sorted = s.raw.length === s.count ? [...s.raw].sort((a, b) => a - b) : undefined;
    const at = (p: number): number =>
      sorted
        ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
        : Math.min(s.max, Math.max(s.min, s.hdr.getValueAtPercentile(p) / 1000));
    return {
      count: s.count,
      p50Ms: at(50),
      p90Ms: at(90),
      p99Ms: at(99),
      maxMs: s.max,
      meanMs: s.sum / s.count,
    };
  }

  labelSets(): Labels[] {
    return [...this.series.keys()].map(labelsOfKey);
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? `${k},` : '';
      for (let i = 0; i < this.bucketsMs.length; i++) {
        lines.push(`${this.name}_bucket{${sep}le="${this.bucketsMs[i]! / 1000}"} ${s.buckets[i]}`);
      }
      lines.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum / 1000}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Gauge {
  private readonly values = new Map<string, () => number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The value is read at exposition time. */
  track(read: () => number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), read);
  }

  expose(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, read] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${read()}`);
    return lines.join('\n');
  }
}

export class MetricsRegistry {
  private readonly metrics: (Counter | Histogram | Gauge)[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.metrics.push(c);
    return c;
  }

  /** A histogram of durations recorded in ms, exposed in seconds (Prometheus convention). */
  histogram(name: string, help: string, bucketsMs?: readonly number[]): Histogram {
    const h = new Histogram(name, help, bucketsMs);
    this.metrics.push(h);
    return h;
  }

  gauge(name: string, help: string): Gauge {
    const g = new Gauge(name, help);
    this.metrics.push(g);
    return g;
  }

  expose(): string {
    return `${this.metrics.map((m) => m.expose()).join('\n')}\n`;
  }
}
