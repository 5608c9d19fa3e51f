import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHsmClient } from '../../clients/hsm/client.js';
import { createCentralLogger, parseCentralConfig, startCentralService } from '../../sim/central/index.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { forkReadyPeer } from '../common/fork-peer.js';
import type { LoadCredentials } from './workload.js';

/** The service under load, running in another process: where to send requests and as whom. */
export interface LoadPeer extends LoadCredentials {
  /** The envelope endpoint. */
  readonly url: string;
  /** The no-op baseline endpoint on the same server. */
  readonly noopUrl: string;
  /** The soft cipher machine's port on 127.0.0.1 (when the bench started the service). */
  readonly hsmPort?: number;
  stop(): Promise<void>;
}

interface ReadyMessage extends LoadCredentials {
  readonly type: 'ready';
  readonly url: string;
  readonly origin: string;
  readonly hsmPort: number;
}

export interface PeerSettings {
  /** Dynamic-code lifetime of the service under test, s (long enough for the pool to stay fresh). */
  readonly lifetimeS: number;
  /** SQLite file in a temporary directory (default) or `:memory:`. */
  readonly db: 'file' | 'memory';
}

/** The started services: where they listen and as whom to call them. */
export interface PeerServices extends LoadCredentials {
  readonly url: string;
  readonly origin: string;
  /** The soft cipher machine's port on 127.0.0.1. */
  readonly hsmPort: number;
  stop(): Promise<void>;
}

/**
 * A soft cipher machine, its client and the central service (SQLite in WAL mode, pino at warn),
 * in this process. Used by the child below and, in-process, by tests and the latency bench.
 */
export async function startPeerServices(settings: PeerSettings): Promise<PeerServices> {
  const dir = mkdtempSync(join(tmpdir(), 'ehc-bench-load-'));
  const keys = generateKeys();
  const machine = await CipherMachineServer.start({ keys, lifetimeS: settings.lifetimeS });
  const hsm = createHsmClient({ endpoints: [machine.address()], timeoutMs: 2_000, poolSize: 2 });
  const cred: LoadCredentials = {
    appId: 'BENCH-APP',
    appSecret: randomBytes(8).toString('hex'),
    terminalCode: 'BENCH-TERM',
  };
  const service = await startCentralService({
    hsm,
    db: settings.db === 'memory' ? ':memory:' : join(dir, 'central.db'),
    config: parseCentralConfig({
      apps: [{ appId: cred.appId, appSecret: cred.appSecret }],
      terminals: [{ terminalCode: cred.terminalCode }],
      validity: { lifetimeS: settings.lifetimeS, skewS: 5 },
      hsmTimeoutMs: 2_000,
      replayCacheMaxEntries: 10_000_000,
      log: { level: 'warn' },
    }),
    logger: createCentralLogger('warn'),
  });
  return {
    url: service.url,
    origin: service.origin,
    hsmPort: machine.address().port,
    ...cred,
    stop: async () => {
      await service.close();
      await hsm.close();
      await machine.close();
      rmSync(dir, { recursive: true, force: true });
    },
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
  process.send({ type: 'ready', ...ready } satisfies ReadyMessage);
  await stopped;
  await stop();
}

/** Forks the CLI with its hidden peer flag and waits for its ready message. */
export async function forkLoadPeer(
  entry: string,
  args: readonly string[],
  startTimeoutMs = 60_000,
): Promise<LoadPeer> {
  const peer = await forkReadyPeer<ReadyMessage>(entry, args, { startTimeoutMs });
  const m = peer.ready;
  return {
    url: m.url,
    noopUrl: `${m.origin}/noop`,
    hsmPort: m.hsmPort,
    appId: m.appId,
    appSecret: m.appSecret,
    terminalCode: m.terminalCode,
    stop: () => peer.stop(),
  };
}
