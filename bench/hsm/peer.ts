import { startLab } from '../../lab/start.js';
import { EhcError } from '../../protocol/errors.js';
import { forkReadyPeer } from '../common/fork-peer.js';
import { EchoServer } from './echo-server.js';

/** The servers under load: the cipher machine and the echo baseline, in another process. */
export interface BenchPeer {
  readonly hsm: { host: string; port: number };
  readonly echo: { host: string; port: number };
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  hsmPort: number;
  echoPort: number;
}

/** Starts both servers in this process (tests; or the child's side of `forkPeer`). */
export async function startPeerServers(): Promise<BenchPeer> {
  // The cipher machine comes from the lab (the one assembler); the echo server is the baseline.
  const lab = await startLab({ central: false, agents: [] });
  const echo = await EchoServer.start();
  return {
    hsm: lab.hsmEndpoints[0]!,
    echo: { host: '127.0.0.1', port: echo.port },
    stop: async () => {
      await Promise.all([lab.stop(), echo.close()]);
    },
  };
}

/**
 * The child's main: start the servers, report their ports over IPC, and run until the parent
 * disconnects or sends SIGTERM.
 */
export async function runPeerChild(): Promise<void> {
  if (process.send === undefined)
    throw new EhcError('BENCH_PEER', 'the benchmark peer must be started by `ehc bench hsm`');
  const peer = await startPeerServers();
  const stopped = new Promise<void>((resolve) => {
    process.once('disconnect', resolve);
    process.once('SIGTERM', resolve);
  });
  process.send({ type: 'ready', hsmPort: peer.hsm.port, echoPort: peer.echo.port } satisfies ReadyMessage);
  await stopped;
  await peer.stop();
}

/** Forks the CLI with its hidden peer flag: the servers run in their own process (and core). */
export async function forkPeer(
  entry: string,
  args: readonly string[],
  startTimeoutMs = 30_000,
): Promise<BenchPeer> {
  const peer = await forkReadyPeer<ReadyMessage>(entry, args, { startTimeoutMs, killAfterMs: 5000 });
  return {
    hsm: { host: '127.0.0.1', port: peer.ready.hsmPort },
    echo: { host: '127.0.0.1', port: peer.ready.echoPort },
    stop: () => peer.stop(),
  };
}
