// ehc bench load — central service load test, spec §5.3 (issue 4)
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { writeJsonReport, writeTextReport } from '../../agent/log/report-file.js';
import {
  forkLoadPeer,
  JOIN_ENV,
  type LoadPeer,
  runLoadPeerChild,
  sqliteBytes,
} from '../../bench/load/peer.js';
import { type ClaimBaselineResult, runClaimBaseline } from '../../bench/load/pg-baseline.js';
import {
  type CpuProfile,
  formatProfileSummary,
  type ProfileSummary,
  sourceMapResolver,
  summarizeCpuProfile,
} from '../../bench/load/profile.js';
import { formatLoadBench } from '../../bench/load/report.js';
import { type OperationName, runLoadBench } from '../../bench/load/run.js';
import type { LoadCredentials } from '../../bench/load/workload.js';
import { TcpProxy } from '../../lab/net/tcp-proxy.js';
import { isPostgresUrl } from '../../storage/central/open.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  json?: string;
  duration: string;
  warmup: string;
  connections: string;
  target?: string;
  appId?: string;
  appSecret?: string;
  terminal?: string;
  db: string;
  instances?: string;
  dbPool?: string;
  rate?: string;
  sweep?: boolean;
  sweepOp: 'register' | 'generate' | 'verify';
  sweepStart: string;
  sweepFactor: string;
  sweepStep: string;
  sweepMax: string;
  stepDuration: string;
  kneeP99: string;
  openConnections: string;
  maxInFlight: string;
  lateAfter: string;
  profile?: string;
  servePeer?: boolean;
  peerLifetime?: string;
  peerDb?: string;
  peerInstances?: string;
  peerPool?: string;
  cards?: string;
  peerCards?: string;
  processes?: boolean;
  peerJoinHsm?: string;
}

/** `--db`: file, memory or a postgres:// URL. */
function checkDb(db: string): string {
  if (db === 'file' || db === 'memory' || isPostgresUrl(db)) return db;
  throw new Error('--db must be file, memory or a postgres:// URL');
}

const PEER_FLAG = '--serve-peer';

function num(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return n;
}

async function startPeer(o: Flags, durationS: number, warmupS: number, seedCodes = 0): Promise<LoadPeer> {
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('cannot locate the ehc entry point to start the service');
  // Long enough that the verify pool (generated just before verification) stays fresh.
  // With --cards, long enough that the seeded codes (spread over half of it) outlive the run.
  const lifetimeS = Math.max(seedCodes > 0 ? 600 : 60, Math.ceil(4 * (durationS + warmupS)) + 30);
  const args = (instances: string | undefined): string[] => [
    'bench',
    'load',
    PEER_FLAG,
    '--peer-lifetime',
    String(lifetimeS),
    '--peer-db',
    checkDb(o.db),
    ...(instances === undefined ? [] : ['--peer-instances', instances]),
    ...(o.dbPool === undefined ? [] : ['--peer-pool', o.dbPool]),
    ...(seedCodes > 0 ? ['--peer-cards', String(seedCodes)] : []),
  ];
  const timeoutMs = seedCodes > 0 ? 3_600_000 : 60_000;
  if (o.processes !== true) return forkLoadPeer(entry, args(o.instances), timeoutMs);
  // Each instance in its own process (as deployed): the first has the cipher machine, the
  // second joins it with the same credentials; a round-robin relay here spreads the users.
  const first = await forkLoadPeer(entry, args(undefined), timeoutMs);
  let second: LoadPeer | undefined;
  let relay: TcpProxy | undefined;
  try {
    const join = JSON.stringify({
      appId: first.appId,
      appSecret: first.appSecret,
      terminalCode: first.terminalCode,
    });
    second = await forkLoadPeer(
      entry,
      [
        ...args(undefined).filter((a, i, all) => a !== '--peer-cards' && all[i - 1] !== '--peer-cards'),
        '--peer-join-hsm',
        String(first.hsmPort),
      ],
      60_000,
      { [JOIN_ENV]: join },
    );
    relay = await TcpProxy.start({
      upstreams: [first, second].map((p) => ({ host: '127.0.0.1', port: Number(new URL(p.url).port) })),
      balance: 'round-robin',
    });
  } catch (e) {
    await second?.stop();
    await first.stop();
    throw e;
  }
  const origin = `http://127.0.0.1:${relay.port}`;
  const both = [first, second];
  const proxy = relay;
  return {
    ...first,
    url: `${origin}${new URL(first.url).pathname}`,
    noopUrl: `${origin}/noop`,
    stop: async () => {
      await proxy.close();
      await Promise.all(both.map((p) => p.stop()));
    },
  };
}

async function pgBaselines(
  url: string,
  connections: number,
  poolSize: number,
  durationS: number,
): Promise<ClaimBaselineResult[]> {
  const out: ClaimBaselineResult[] = [];
  for (const driver of ['pg', 'postgres'] as const) {
    process.stderr.write(`baseline: claim statement alone via ${driver} (${durationS} s)…\n`);
    out.push(await runClaimBaseline({ url, driver, connections, poolSize, durationS }));
  }
  return out;
}

function formatPgBaseline(rows: readonly ClaimBaselineResult[], verifyTps: number): string {
  const lines = [
    'raw claim baseline (INSERT … ON CONFLICT … RETURNING alone, same pool size and users):',
    ...rows.map(
      (r) =>
        `  ${r.driver.padEnd(9)} ${String(r.tps).padStart(6)} TPS  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  max ${r.maxMs} ms  errors ${r.errors}  (n=${r.n})`,
    ),
    `  verify / pg baseline: ${((verifyTps / Math.max(1, rows[0]?.tps ?? 1)) * 100).toFixed(0)} %`,
  ];
  return lines.join('\n');
}

export function registerBenchLoad({ bench }: CliGroups): void {
  bench
    .command('load')
    .description(
      'load/central: register, generate and verify with 30 users each, vs a no-op endpoint on the same server (spec §5.3)',
    )
    .option('--json <file>', 'write the results as JSON')
    .option('--duration <s>', 'measured seconds per operation (and per baseline)', '10')
    .option('--warmup <s>', 'unrecorded warm-up seconds before each operation', '1')
    .option('--connections <n>', 'concurrent users', '30')
    .option(
      '--target <url>',
      'an already running service’s envelope URL (default: start one in a child process)',
    )
    .option('--app-id <id>', 'with --target: the app to call as')
    .option('--app-secret <secret>', 'with --target: its 16-character secret')
    .option('--terminal <code>', 'with --target: a terminal code registered there')
    .option(
      '--db <kind|url>',
      'storage of the started service: file (SQLite), memory, or postgres://… (then also the raw claim baseline)',
      'file',
    )
    .option('--instances <n>', 'central instances behind a round-robin relay (1 or 2; default: 1, no relay)')
    .option('--db-pool <n>', 'PostgreSQL: pool size per instance (default 20)')
    .option(
      '--processes',
      'with --instances 2 on PostgreSQL: each instance in its own process (as deployed) behind a round-robin relay in the load generator',
    )
    .option(
      '--rate <r>',
      'also measure every operation open-loop: requests at this fixed arrival rate (req/s), latency from the scheduled send time',
    )
    .option('--sweep', 'then raise the open-loop rate step by step and report the knee (p99 ≤ 10 ms, 100 %)')
    .addOption(
      new Option('--sweep-op <op>', 'the operation swept')
        .choices(['register', 'generate', 'verify'])
        .default('verify'),
    )
    .option('--sweep-start <r>', 'first step of the sweep, req/s', '500')
    .option('--sweep-factor <f>', 'each next step: rate × f …', '1.25')
    .option('--sweep-step <r>', '… + r req/s', '0')
    .option('--sweep-max <r>', 'highest step, req/s', '40000')
    .option('--step-duration <s>', 'seconds per sweep step', '3')
    .option('--knee-p99 <ms>', 'a sweep step passes with p99 ≤ this (and 100 % success)', '10')
    .option('--open-connections <n>', 'open loop: keep-alive connections in the pool', '128')
    .option(
      '--max-in-flight <n>',
      'open loop: requests in flight at most (beyond it: dropped, a failure)',
      '1024',
    )
    .option('--late-after <ms>', 'open loop: a send this much after its schedule is not on time', '2')
    .option(
      '--cards <n,…>',
      'cost as the data grows: for each size (e.g. 1e4,1e6) a fresh service with that many issued codes (half used) put in first, untimed',
    )
    .option(
      '--profile <dir>',
      'CPU-profile the service during each measured phase: <op>.cpuprofile files and a where-the-time-goes table',
    )
    // The service runs in a child process started as `ehc bench load --serve-peer`.
    .addOption(new Option(PEER_FLAG, 'internal: run the service under test').hideHelp())
    .addOption(new Option('--peer-lifetime <s>', 'internal').hideHelp())
    .addOption(new Option('--peer-db <kind>', 'internal').hideHelp())
    .addOption(new Option('--peer-instances <n>', 'internal').hideHelp())
    .addOption(new Option('--peer-pool <n>', 'internal').hideHelp())
    .addOption(new Option('--peer-cards <n>', 'internal').hideHelp())
    .addOption(new Option('--peer-join-hsm <port>', 'internal').hideHelp())
    .action(async (o: Flags) => {
      if (o.servePeer) {
        await runLoadPeerChild({
          lifetimeS: num('--peer-lifetime', o.peerLifetime ?? '60', 1),
          db: checkDb(o.peerDb ?? 'file'),
          ...(o.peerInstances === undefined ? {} : { instances: o.peerInstances === '2' ? 2 : 1 }),
          ...(o.peerPool === undefined ? {} : { poolSize: Math.floor(num('--peer-pool', o.peerPool, 1)) }),
          ...(o.peerCards === undefined
            ? {}
            : { seedCodes: Math.floor(num('--peer-cards', o.peerCards, 1)) }),
          ...(o.peerJoinHsm === undefined ? {} : joinSettings(o.peerJoinHsm)),
        });
        return;
      }
      const durationS = num('--duration', o.duration, 1);
      const warmupS = num('--warmup', o.warmup, 0);
      const connections = Math.floor(num('--connections', o.connections, 1));
      const pool = {
        connections: Math.floor(num('--open-connections', o.openConnections, 1)),
        maxInFlight: Math.floor(num('--max-in-flight', o.maxInFlight, 1)),
        lateAfterMs: num('--late-after', o.lateAfter, 0),
      };
      const open = o.rate === undefined ? undefined : { rateRps: num('--rate', o.rate, 1), ...pool };
      const sweep =
        o.sweep === true
          ? {
              op: o.sweepOp,
              startRps: Math.round(num('--sweep-start', o.sweepStart, 1)),
              factor: num('--sweep-factor', o.sweepFactor, 1),
              stepRps: num('--sweep-step', o.sweepStep, 0),
              maxRps: Math.round(num('--sweep-max', o.sweepMax, 1)),
              stepS: num('--step-duration', o.stepDuration, 0.1),
              criteria: { p99Ms: num('--knee-p99', o.kneeP99, 0), successRate: 1 },
              connections: pool.connections,
              maxInFlight: pool.maxInFlight,
              lateAfterMs: pool.lateAfterMs,
            }
          : undefined;
      if (sweep !== undefined && sweep.factor <= 1 && sweep.stepRps < 1) {
        process.stderr.write('ehc bench load: --sweep needs --sweep-factor > 1 or --sweep-step ≥ 1\n');
        process.exitCode = EXIT.usage;
        return;
      }
      if (o.processes === true && (o.instances !== '2' || !isPostgresUrl(o.db))) {
        process.stderr.write(
          'ehc bench load: --processes needs --instances 2 and --db postgres://… (one database for both)\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      if (o.cards !== undefined) {
        if (o.target !== undefined) {
          process.stderr.write(
            'ehc bench load: --cards needs the service started by the bench (no --target)\n',
          );
          process.exitCode = EXIT.usage;
          return;
        }
        const sizes = o.cards.split(',').map((v) => Math.floor(num('--cards', v.trim(), 1)));
        const runs = await runCardSizes(o, sizes, { durationS, warmupS, connections });
        if (o.json !== undefined) writeJsonReport(o.json, { cards: runs });
        process.stdout.write(`${formatCardRuns(runs)}\n`);
        process.exitCode = EXIT.ok;
        return;
      }
      let peer: LoadPeer | undefined;
      if (o.target === undefined) {
        peer = await startPeer(o, durationS, warmupS);
      } else if (o.appId === undefined || o.appSecret === undefined || o.terminal === undefined) {
        process.stderr.write('ehc bench load: --target needs --app-id, --app-secret and --terminal\n');
        process.exitCode = EXIT.usage;
        return;
      }
      if (o.profile !== undefined && peer?.profiler === undefined) {
        process.stderr.write(
          'ehc bench load: --profile needs the service started by the bench (no --target)\n',
        );
        process.exitCode = EXIT.usage;
        return;
      }
      const profiles: Partial<Record<OperationName, ProfileSummary>> = {};
      const profileDir = o.profile;
      if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
      try {
        const target = peer ?? {
          url: o.target!,
          noopUrl: new URL('/noop', o.target!).toString(),
          appId: o.appId!,
          appSecret: o.appSecret!,
          terminalCode: o.terminal!,
        };
        const result = await runLoadBench({
          target,
          durationS,
          warmupS,
          connections,
          ...(open === undefined ? {} : { open }),
          ...(sweep === undefined ? {} : { sweep }),
          ...(profileDir === undefined || peer?.profiler === undefined
            ? {}
            : { aroundMeasured: profileHooks(peer.profiler, profileDir, profiles) }),
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
        // On PostgreSQL, the ceiling of the same run: the claim statement alone, both drivers.
        const postgresBaseline =
          o.target === undefined && isPostgresUrl(o.db)
            ? await pgBaselines(
                o.db,
                connections,
                Math.floor(num('--db-pool', o.dbPool ?? '20', 1)),
                durationS,
              )
            : undefined;
        const report = {
          ...result,
          ...(postgresBaseline === undefined ? {} : { postgresBaseline }),
          ...(profileDir === undefined ? {} : { profile: { dir: profileDir, operations: profiles } }),
        };
        if (o.json !== undefined) writeJsonReport(o.json, report);
        process.stdout.write(`${formatLoadBench(result)}\n`);
        if (postgresBaseline !== undefined) {
          process.stdout.write(`${formatPgBaseline(postgresBaseline, result.operations.verify.tps)}\n`);
        }
        if (profileDir !== undefined) {
          const text = Object.entries(profiles)
            .map(([op, s]) => formatProfileSummary(`${op} (service process, profiled run)`, s))
            .join('\n');
          writeTextReport(join(profileDir, 'summary.txt'), `${text}\n`);
          writeJsonReport(join(profileDir, 'summary.json'), profiles);
          process.stdout.write(
            `${text}\nprofiles: ${profileDir}/<op>.cpuprofile (open in Chrome DevTools)\n`,
          );
        }
        process.exitCode = EXIT.ok;
      } finally {
        await peer?.stop();
      }
    });
}

/** `--profile`: the service's profiler on around each measured phase; each profile summarized. */
function profileHooks(
  profiler: NonNullable<LoadPeer['profiler']>,
  dir: string,
  into: Partial<Record<OperationName, ProfileSummary>>,
) {
  return {
    before: (_op: OperationName) => profiler.start(),
    after: async (op: OperationName) => {
      const file = join(dir, `${op}.cpuprofile`);
      await profiler.stop(file);
      into[op] = summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, {
        resolve: sourceMapResolver(),
      });
    },
  };
}

interface CardRun {
  readonly codes: number;
  readonly seeded: LoadPeer['seeded'];
  /** SQLite file + WAL after the run, bytes (absent on PostgreSQL). */
  readonly dbBytesAtEnd?: { readonly db: number; readonly wal: number };
  readonly result: Awaited<ReturnType<typeof runLoadBench>>;
}

/** `--cards`: one fresh service per size, seeded, then the whole closed-loop bench. */
async function runCardSizes(
  o: Flags,
  sizes: readonly number[],
  run: { durationS: number; warmupS: number; connections: number },
): Promise<CardRun[]> {
  const out: CardRun[] = [];
  for (const codes of sizes) {
    process.stderr.write(`--cards ${codes}: starting a fresh service\n`);
    const peer = await startPeer(o, run.durationS, run.warmupS, codes);
    try {
      const result = await runLoadBench({
        target: peer,
        ...run,
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
      out.push({
        codes,
        seeded: peer.seeded,
        ...(peer.dbFile === undefined ? {} : { dbBytesAtEnd: sqliteBytes(peer.dbFile) }),
        result,
      });
    } finally {
      await peer.stop();
    }
  }
  return out;
}

function formatCardRuns(runs: readonly CardRun[]): string {
  const first = runs[0]?.result.operations;
  const mb = (b: { db: number; wal: number } | undefined): string =>
    b === undefined ? 'n/a' : `${(b.db / 1048576).toFixed(0)}+${(b.wal / 1048576).toFixed(0)}`;
  const lines = [
    `cost as the data grows: ${runs[0]?.result.settings.connections ?? 0} users, ${runs[0]?.result.settings.durationS ?? 0} s per operation, fresh service per size`,
    'issued codes  cards    seeded in s  db+WAL MB seeded→end  verify TPS  p99 ms  ×first  generate TPS  p99 ms  ×first',
  ];
  for (const r of runs) {
    const v = r.result.operations.verify;
    const g = r.result.operations.generate;
    const x = (p: number, base: number | undefined): string => (base ? (p / base).toFixed(2) : 'n/a');
    lines.push(
      `${String(r.seeded?.issued ?? 0).padStart(12)}  ${String(r.seeded?.cards ?? 0).padStart(7)}  ${String(r.seeded?.seconds ?? 0).padStart(11)}  ${`${mb(r.seeded?.dbBytes)}→${mb(r.dbBytesAtEnd)}`.padStart(20)}  ${String(v.tps).padStart(10)}  ${v.p99Ms.toFixed(2).padStart(6)}  ${x(v.p99Ms, first?.verify.p99Ms).padStart(6)}  ${String(g.tps).padStart(12)}  ${g.p99Ms.toFixed(2).padStart(6)}  ${x(g.p99Ms, first?.generate.p99Ms).padStart(6)}`,
    );
  }
  return lines.join('\n');
}

/** The joining instance's settings: the first one's cipher machine and credentials. */
function joinSettings(port: string): { joinHsmPort: number; joinCredentials: LoadCredentials } {
  const raw = process.env[JOIN_ENV];
  if (raw === undefined) throw new Error(`--peer-join-hsm needs ${JOIN_ENV}`);
  return {
    joinHsmPort: Math.floor(num('--peer-join-hsm', port, 1)),
    joinCredentials: JSON.parse(raw) as LoadCredentials,
  };
}
