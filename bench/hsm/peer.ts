import { fork } from 'node:child_process';
import { EhcError } from '../../protocol/errors.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
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

const isReady = (m: unknown): m is ReadyMessage =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready';

/** Starts both servers in this process (tests; or the child's side of `forkPeer`). */
export async function startPeerServers(): Promise<BenchPeer> {
  const hsm = await CipherMachineServer.start({ keys: generateKeys() });
  const echo = await EchoServer.start();
  return {
    hsm: hsm.address(),
    echo: { host: '127.0.0.1', port: echo.port },
    stop: async () => {
      await Promise.all([hsm.close(), echo.close()]);
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

/**
 * Forks `entry args…` (the `ehc` CLI with its hidden peer flag) so the load generator and the
 * servers each get their own process (and core).
 */
export function forkPeer(
  entry: string,
  args: readonly string[],
  startTimeoutMs = 30_000,
): Promise<BenchPeer> {
  const child = fork(entry, [...args], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EhcError('BENCH_PEER', 'benchmark peer did not start in time'));
    }, startTimeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new EhcError('BENCH_PEER', 'cannot start the benchmark peer', { cause: e }));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EhcError('BENCH_PEER', `benchmark peer exited early (code ${code})`));
    });
    child.on('message', (m) => {
      if (!isReady(m)) return;
      clearTimeout(timer);
      resolve({
        hsm: { host: '127.0.0.1', port: m.hsmPort },
        echo: { host: '127.0.0.1', port: m.echoPort },
        stop: async () => {
          if (child.connected) child.disconnect();
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}
