import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startLab } from '../../lab/start.js';
import { createCentralLogger } from '../../sim/central/index.js';
import { forkReadyPeer } from '../common/fork-peer.js';
import { type SeedResult, seedIssuedCodes } from './seed.js';
import type { LoadCredentials } from './workload.js';

/** The service under load, running in another process: where to send requests and as whom. */
export interface LoadPeer extends LoadCredentials {
  /** The envelope endpoint. */
  readonly url: string;
  /** The no-op baseline endpoint on the same server. */
  readonly noopUrl: string;
  /** The soft cipher machine's port on 127.0.0.1 (when the bench started the service). */
  readonly hsmPort?: number;
  /** The SQLite file of the started service (none on PostgreSQL or in memory). */
  readonly dbFile?: string;
  /** What `--cards` put in the store before the run. */
  readonly seeded?: SeedResult & { readonly dbBytes?: { readonly db: number; readonly wal: number } };
  /** CPU profiling of the service process (the inspector's sampling profiler), when it is ours. */
  readonly profiler?: PeerProfiler;
  stop(): Promise<void>;
}

/** Starts and stops the service process's CPU profiler; `stop` writes a `.cpuprofile` file. */
export interface PeerProfiler {
  start(): Promise<void>;
  stop(file: string): Promise<void>;
}

type ProfileRequest =
  | { readonly type: 'profile'; readonly action: 'start' }
  | {
      readonly type: 'profile';
      readonly action: 'stop';
      readonly file: string;
    };

interface ProfileReply {
  readonly type: 'profiled';
  readonly error?: string;
}

interface ReadyMessage extends LoadCredentials {
  readonly type: 'ready';
  readonly url: string;
  readonly origin: string;
  readonly hsmPort: number;
  readonly dbFile?: string;
  readonly seeded?: SeedResult & { readonly dbBytes?: { readonly db: number; readonly wal: number } };
}

export interface PeerSettings {
  /** Dynamic-code lifetime of the service under test, s (long enough for the pool to stay fresh). */
  readonly lifetimeS: number;
  /** SQLite file in a temporary directory (default), `:memory:`, or a `postgres://` URL. */
  readonly db: 'file' | 'memory' | string;
  /** Central instances (default 1); with PostgreSQL each has its own pool. */
  readonly instances?: 1 | 2;
  /** PostgreSQL pool size per instance (default 20). */
  readonly poolSize?: number;
  /** Issued codes put in the store before the run (`--cards`; see seed.ts). */
  readonly seedCodes?: number;
  /**
   * A second instance in its own process: the first one's cipher machine and credentials (so a
   * code generated on one verifies on the other), given through the environment, not argv.
   */
  readonly joinHsmPort?: number;
  readonly joinCredentials?: LoadCredentials;
}

/** Environment variable carrying a joining instance's credentials (JSON). */
export const JOIN_ENV = 'EHC_BENCH_JOIN';

/** The started services: where they listen and as whom to call them. */
export interface PeerServices extends LoadCredentials {
  readonly url: string;
  readonly origin: string;
  /** The soft cipher machine's port on 127.0.0.1. */
  readonly hsmPort: number;
  readonly dbFile?: string;
  readonly seeded?: SeedResult & { readonly dbBytes?: { readonly db: number; readonly wal: number } };
  stop(): Promise<void>;
}

/** Bytes of a SQLite database: the file and its write-ahead log. */
export function sqliteBytes(file: string): { readonly db: number; readonly wal: number } {
  const size = (f: string): number => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return { db: size(file), wal: size(`${file}-wal`) };
}

/**
 * A soft cipher machine, its client and the central service (SQLite in WAL mode, pino at warn),
 * in this process, built by the lab (`startLab`) like every other assembly of the system. Used by
 * the child below and, in-process, by tests and the latency bench.
 */
export async function startPeerServices(settings: PeerSettings): Promise<PeerServices> {
  const cred: LoadCredentials = settings.joinCredentials ?? {
    appId: 'BENCH-APP',
    appSecret: randomBytes(8).toString('hex'),
    terminalCode: 'BENCH-TERM',
  };
  const lab = await startLab({
    hsm:
      settings.joinHsmPort === undefined
        ? { lifetimeS: settings.lifetimeS }
        : { external: [{ host: '127.0.0.1', port: settings.joinHsmPort }] },
    central: {
      ...(settings.db === 'file' || settings.db === 'memory'
        ? { db: settings.db }
        : { postgres: { url: settings.db, poolSize: settings.poolSize ?? 20 } }),
      // Two instances (and, for like-for-like figures, one) behind a round-robin relay.
      ...(settings.instances === 2 ? { instances: 2 as const } : {}),
      ...(settings.instances !== undefined ? { relay: true, balance: 'round-robin' as const } : {}),
      app: { appId: cred.appId, appSecret: cred.appSecret },
      terminals: [{ terminalCode: cred.terminalCode, name: cred.terminalCode, orgCode: '', enabled: true }],
      lifetimeS: settings.lifetimeS,
      hsmTimeoutMs: 2_000,
      replayCacheMaxEntries: 10_000_000,
    },
    agents: [],
    logger: createCentralLogger('warn'),
  });
  const central = lab.central!;
  const dbFile = settings.db === 'file' ? central.db : undefined;
  let seeded: PeerServices['seeded'];
  if ((settings.seedCodes ?? 0) > 0) {
    process.stderr.write(`seeding: ${settings.seedCodes} issued codes (untimed)…\n`);
    const r = await seedIssuedCodes(central.primary.store, {
      codes: settings.seedCodes!,
      nowMs: Date.now(),
      // Within the retention window (lifetime + skew + margin), so no prune removes them mid-run.
      spanS: Math.floor(settings.lifetimeS / 2),
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    seeded = { ...r, ...(dbFile === undefined ? {} : { dbBytes: sqliteBytes(dbFile) }) };
  }
  return {
    ...(dbFile === undefined ? {} : { dbFile }),
    ...(seeded === undefined ? {} : { seeded }),
    url: central.url,
    // Through the relay when there is one, so the no-op baseline pays the same hop.
    origin: new URL(central.url).origin,
    hsmPort: lab.hsmEndpoints[0]!.port,
    ...cred,
    stop: () => lab.stop(),
  };
}

/**
 * The child's main (`ehc bench load --serve-peer`, `ehc bench latency --serve-peer`): the
 * services of `startPeerServices`; reports over IPC, runs until the parent disconnects or sends
 * SIGTERM, then cleans up.
 */
export async function runLoadPeerChild(settings: PeerSettings): Promise<void> {
  if (process.send === undefined) throw new Error('the benchmark peer must be started by `ehc bench`');
  const peer = await startPeerServices(settings);
  const stopped = new Promise<void>((resolve) => {
    process.once('disconnect', resolve);
    process.once('SIGTERM', resolve);
  });
  const { stop, ...ready } = peer;
  const session = new Session();
  process.on('message', (m: ProfileRequest) => {
    if (m?.type !== 'profile') return;
    void profileStep(session, m).then(
      () => process.send?.({ type: 'profiled' } satisfies ProfileReply),
      (e: unknown) => process.send?.({ type: 'profiled', error: String(e) } satisfies ProfileReply),
    );
  });
  process.send({ type: 'ready', ...ready } satisfies ReadyMessage);
  await stopped;
  await stop();
}

/** The sampling interval, µs: fine enough for a 5-s phase, cheap enough not to change it much. */
const PROFILE_INTERVAL_US = 250;

async function profileStep(session: Session, m: ProfileRequest): Promise<void> {
  if (m.action === 'start') {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
    await session.post('Profiler.start');
    return;
  }
  const { profile } = await session.post('Profiler.stop');
  await session.post('Profiler.disable');
  session.disconnect();
  writeFileSync(m.file, JSON.stringify(profile));
}

/** Forks the CLI with its hidden peer flag and waits for its ready message. */
export async function forkLoadPeer(
  entry: string,
  args: readonly string[],
  startTimeoutMs = 60_000,
  env?: Readonly<Record<string, string>>,
): Promise<LoadPeer> {
  const peer = await forkReadyPeer<ReadyMessage>(entry, args, {
    startTimeoutMs,
    ...(env === undefined ? {} : { env }),
  });
  const m = peer.ready;
  return {
    url: m.url,
    noopUrl: `${m.origin}/noop`,
    hsmPort: m.hsmPort,
    ...(m.dbFile === undefined ? {} : { dbFile: m.dbFile }),
    ...(m.seeded === undefined ? {} : { seeded: m.seeded }),
    appId: m.appId,
    appSecret: m.appSecret,
    terminalCode: m.terminalCode,
    profiler: {
      start: async () =>
        check(await peer.request<ProfileReply>({ type: 'profile', action: 'start' }, 'profiled')),
      stop: async (file) =>
        check(await peer.request<ProfileReply>({ type: 'profile', action: 'stop', file }, 'profiled')),
    },
    stop: () => peer.stop(),
  };
}

function check(r: ProfileReply): void {
  if (r.error !== undefined) throw new Error(`profiling the service failed: ${r.error}`);
}
