/**
 * `runDoctor`: the configuration first (the other checks need it), then every other family side
 * by side under the runner's deadlines. Checks that need a configuration say nothing without one
 * (the config line says what was skipped).
 */

import { clockCheck } from './checks/clock.js';
import { checkConfig } from './checks/config.js';
import { devicesCheck } from './checks/devices.js';
import { keysCheck } from './checks/keys.js';
import { nativeCheck } from './checks/native.js';
import { nodeCheck } from './checks/node.js';
import { peersCheck } from './checks/peers.js';
import { storageCheck } from './checks/storage.js';
import { type DoctorReport, makeReport } from './report.js';
import { runChecks } from './runner.js';
import type { Check, DoctorEnv } from './types.js';

/** The families after `config`, in report order. */
export const CHECKS: readonly Check[] = [
  nodeCheck,
  nativeCheck,
  devicesCheck,
  keysCheck,
  peersCheck,
  clockCheck,
  storageCheck,
];

export interface DoctorOptions {
  readonly env: DoctorEnv;
  /** The agent configuration file (`ehc doctor --config`). */
  readonly configFile?: string;
  readonly checks?: readonly Check[];
  /** Limit for a check that sets none (default 5000 ms). */
  readonly timeoutMs?: number;
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const { results, config } = await checkConfig(opts.env, opts.configFile);
  const rest = await runChecks(opts.checks ?? CHECKS, {
    env: opts.env,
    ...(config ? { config } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  // node and native first, then config, then what depends on it.
  const early = rest.filter((r) => r.id === 'node' || r.id === 'native');
  const late = rest.filter((r) => r.id !== 'node' && r.id !== 'native');
  return makeReport([...early, ...results, ...late]);
}
