import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where a CPU profile's time goes: a V8 `.cpuprofile` (the inspector's `Profiler.stop`, or
 * `node --cpu-prof`) summed by self time into the service's concerns — crypto, envelope, JSON,
 * storage, cipher-machine round trips, logging, HTTP — and the top functions.
 *
 * A sample is charged to the concern of the deepest frame that names one: a `Buffer.from` called
 * by the envelope code counts as envelope, a `JSON.parse` as JSON wherever it is called from, and
 * time in Node's own crypto as crypto. Samples whose stack names no concern are `other`.
 */

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber?: number;
  };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export type Concern =
  | 'idle'
  | 'gc'
  | 'json'
  | 'crypto'
  | 'envelope'
  | 'sqlite'
  | 'postgres'
  | 'storage'
  | 'cipher-machine client'
  | 'cipher machine (soft)'
  | 'central methods'
  | 'logging'
  | 'http'
  | 'net & streams'
  | 'program'
  | 'other';

export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
  /** Of the busy time (everything but idle), 0–1. */
  readonly share: number;
}

export interface ProfileFunction extends ProfileShare {
  readonly where: string;
  readonly concern: Concern;
}

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  readonly totalMs: number;
  /** Time the thread was busy (not idle), ms. */
  readonly busyMs: number;
  readonly samples: number;
  readonly concerns: readonly ProfileShare[];
  readonly functions: readonly ProfileFunction[];
}

/** The concern a frame names on its own, or undefined when only its callers can tell. */
function concernOfFrame(fn: string, url: string): Concern | undefined {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'program';
  if (url === '' && (fn === 'parse' || fn === 'stringify')) return 'json';
  if (url.includes('node_modules/better-sqlite3')) return 'sqlite';
  if (/node_modules\/(pg|pg-pool|pg-protocol|pg-types|postgres)\//.test(url)) return 'postgres';
  if (url.includes('node_modules/pino') || url.includes('node_modules/sonic-boom')) return 'logging';
  if (url.includes('node_modules/sm-crypto') || url.startsWith('node:internal/crypto')) return 'crypto';
  if (url.includes('/protocol/crypto/')) return 'crypto';
  if (url.includes('/protocol/central/')) return 'envelope';
  if (url.includes('/sim/central/envelope')) return 'envelope';
  if (url.includes('/storage/')) return 'storage';
  if (url.includes('/clients/hsm/')) return 'cipher-machine client';
  if (url.includes('/sim/cipher-machine/') || url.includes('/protocol/hsm/')) return 'cipher machine (soft)';
  if (url.includes('/sim/central/')) return 'central methods';
  if (
    /node_modules\/(fastify|find-my-way|light-my-request|avvio|@fastify|fast-json-stringify|secure-json-parse)/.test(
      url,
    ) ||
    url.startsWith('node:_http') ||
    url.startsWith('node:internal/http') ||
    url === 'node:http'
  ) {
    return 'http';
  }
  if (url.startsWith('node:net') || url.startsWith('node:internal/stream') || url.startsWith('node:stream')) {
    return 'net & streams';
  }
  return undefined;
}

/** Maps a bundled frame (0-based line and column) to its source file and 0-based line. */
export type FrameResolver = (
  url: string,
  line: number,
  column: number,
) => { url: string; line: number } | undefined;

/** Sums a profile's samples by concern and by function (self time). */
export function summarizeCpuProfile(
  profile: CpuProfile,
  options: { readonly topN?: number; readonly resolve?: FrameResolver } = {},
): ProfileSummary {
  const topN = options.topN ?? 15;
  // Source position of every frame (through the bundle's source map when there is one).
  const source = new Map<number, { url: string; line: number }>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const r = f.url === '' ? undefined : options.resolve?.(f.url, f.lineNumber, f.columnNumber ?? 0);
    source.set(n.id, r ?? { url: f.url, line: f.lineNumber });
  }
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // The concern of each node: its own, else its nearest caller's that names one.
  const concern = new Map<number, Concern>();
  const concernOf = (id: number): Concern => {
    const known = concern.get(id);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let cur: number | undefined = id;
    let found: Concern = 'other';
    while (cur !== undefined) {
      const memo = concern.get(cur);
      if (memo !== undefined) {
        found = memo;
        break;
      }
      const n = byId.get(cur)!;
      const own = concernOfFrame(n.callFrame.functionName, source.get(cur)!.url);
      chain.push(cur);
      if (own !== undefined) {
        found = own;
        break;
      }
      cur = parent.get(cur);
    }
    for (const c of chain) concern.set(c, found);
    return found;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const concernUs = new Map<Concern, number>();
  const fnUs = new Map<string, { us: number; where: string; concern: Concern; name: string }>();
  // timeDeltas[i] is the time before sample i; sample i lasts until sample i+1.
  for (let i = 0; i < samples.length; i++) {
    const us = i + 1 < deltas.length ? Math.max(0, deltas[i + 1]!) : 0;
    const id = samples[i]!;
    const n = byId.get(id);
    if (n === undefined) continue;
    let c = concernOf(id);
    // A native method called straight from the storage code is the database library's
    // (better-sqlite3's statements are native; pg and postgres are JavaScript).
    if (c === 'storage' && n.callFrame.url === '') c = 'sqlite';
    concernUs.set(c, (concernUs.get(c) ?? 0) + us);
    const f = n.callFrame;
    const at = source.get(id)!;
    const where = at.url === '' ? '(native)' : `${shortUrl(at.url)}:${at.line + 1}`;
    const key = `${f.functionName}@${where}`;
    const e = fnUs.get(key) ?? { us: 0, where, concern: c, name: f.functionName || '(anonymous)' };
    e.us += us;
    fnUs.set(key, e);
  }
  const totalUs = profile.endTime - profile.startTime;
  const busyUs = [...concernUs].reduce((s, [c, us]) => (c === 'idle' ? s : s + us), 0);
  const share = (us: number): number => (busyUs === 0 ? 0 : Number((us / busyUs).toFixed(4)));
  const ms = (us: number): number => Number((us / 1000).toFixed(1));
  return {
    totalMs: ms(totalUs),
    busyMs: ms(busyUs),
    samples: samples.length,
    concerns: [...concernUs]
      .filter(([c]) => c !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: ms(us), share: share(us) })),
    functions: [...fnUs.values()]
      .filter((f) => f.concern !== 'idle')
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ name: f.name, where: f.where, concern: f.concern, ms: ms(f.us), share: share(f.us) })),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/(agent|bench|clients|lab|protocol|sim|storage|devices|cli)\/.*$/.exec(url);
  return m ? m[0].slice(1) : url.replace(/^file:\/\//, '');
}

/** The summary as a short text table. */
export function formatProfileSummary(label: string, s: ProfileSummary, topConcerns = 10): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `${label}: ${s.busyMs} ms busy of ${s.totalMs} ms (${s.samples} samples)`,
    ...s.concerns.slice(0, topConcerns).map((c) => `  ${c.name.padEnd(24)} ${pct(c.share)}  ${c.ms} ms`),
    '  top functions (self time):',
    ...s.functions.map((f) => `    ${pct(f.share)}  ${f.name} — ${f.where} [${f.concern}]`),
  ];
  return lines.join('\n');
}

/**
 * Resolves frames of bundled files through their `.map` files (read once per file; tsup writes
 * them next to `dist/*.js`), with Node's own source-map parser.
 */
export function sourceMapResolver(): FrameResolver {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (maps.has(url)) return maps.get(url);
    let m: SourceMap | undefined;
    try {
      const file = url.startsWith('file://') ? fileURLToPath(url) : url;
      m = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      m = undefined;
    }
    maps.set(url, m);
    return m;
  };
  return (url, line, column) => {
    if (!url.endsWith('.js')) return undefined;
    const e = mapOf(url)?.findEntry(line, column);
    if (e === undefined || !('originalSource' in e)) return undefined;
    return { url: e.originalSource, line: e.originalLine };
  };
}
