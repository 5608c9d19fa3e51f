import { fork } from 'node:child_process';
import { EhcError } from '../../protocol/errors.js';

/**
 * Forks `entry args…` (the `ehc` CLI with a benchmark's hidden `--serve-peer` flag) so the load
 * generator and the servers under load each get their own process (and core), and waits for the
 * child's ready message over IPC. `stop()` disconnects (the child shuts down on its own) and
 * kills it if it has not exited after `killAfterMs`.
 */
export interface ForkedPeer<M> {
  readonly ready: M;
  /** Sends `message` over IPC and resolves with the child's first reply of type `replyType`. */
  request<R extends { readonly type: string }>(
    message: object,
    replyType: R['type'],
    timeoutMs?: number,
  ): Promise<R>;
  stop(): Promise<void>;
}

export function forkReadyPeer<M extends { readonly type: 'ready' }>(
  entry: string,
  args: readonly string[],
  options: {
    readonly startTimeoutMs?: number;
    readonly killAfterMs?: number;
    /** Extra environment for the child (secrets go here, not in argv). */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ForkedPeer<M>> {
  const child = fork(entry, [...args], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EhcError('BENCH_PEER', 'benchmark peer did not start in time'));
    }, options.startTimeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new EhcError('BENCH_PEER', 'cannot start the benchmark peer', { cause: e }));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EhcError('BENCH_PEER', `benchmark peer exited early (code ${code})`));
    });
    child.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null || (m as { type?: unknown }).type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        ready: m as M,
        request: <R extends { readonly type: string }>(
          message: object,
          replyType: string,
          timeoutMs = 30_000,
        ) =>
          new Promise<R>((ok, fail) => {
            const t = setTimeout(() => {
              child.off('message', onReply);
              fail(new EhcError('BENCH_PEER', `benchmark peer did not answer ${replyType} in time`));
            }, timeoutMs);
            const onReply = (r: unknown): void => {
              if (typeof r !== 'object' || r === null || (r as { type?: unknown }).type !== replyType) return;
              clearTimeout(t);
              child.off('message', onReply);
              ok(r as R);
            };
            child.on('message', onReply);
            child.send(message);
          }),
        stop: async () => {
          if (child.connected) child.disconnect();
          const t = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 10_000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}
