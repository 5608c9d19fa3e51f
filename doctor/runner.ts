/**
 * Runs check families side by side, each under its own deadline: a check that throws becomes one
 * `fail` line naming the error, one that does not finish in time becomes `fail` "no answer within
 * N ms" (its signal is aborted so it can close what it opened). The report keeps the checks' order.
 */
import type { AgentConfig } from '../agent/config/agent-config.js';
import type { Check, CheckResult, DoctorContext, DoctorEnv } from './types.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

export interface RunOptions {
  readonly env: DoctorEnv;
  readonly config?: AgentConfig;
  /** Limit for a check that sets none (default 5000 ms). */
  readonly timeoutMs?: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function runOne(check: Check, opts: RunOptions, memo: Map<string, Promise<unknown>>) {
  const limit = check.timeoutMs?.(opts.config) ?? opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const abort = new AbortController();
  const ctx: DoctorContext = {
    env: opts.env,
    ...(opts.config ? { config: opts.config } : {}),
    signal: abort.signal,
    once<T>(key: string, fn: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = fn();
        memo.set(key, p);
      }
      return p;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<readonly CheckResult[]>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve([
        {
          id: check.id,
          status: 'fail',
          detail: `no answer within ${limit} ms`,
          fix: `find what ${check.id} waits for (a peer that accepts but never answers, a hung device or disk)`,
        },
      ]);
    }, limit);
  });
  const ran = check.run(ctx).then(
    (results) => results,
    (e: unknown): readonly CheckResult[] => [
      { id: check.id, status: 'fail', detail: `check failed: ${message(e)}`, fix: 'report this as a bug' },
    ],
  );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: readonly Check[], opts: RunOptions): Promise<CheckResult[]> {
  const memo = new Map<string, Promise<unknown>>();
  const all = await Promise.all(checks.map((c) => runOne(c, opts, memo)));
  return all.flat();
}
