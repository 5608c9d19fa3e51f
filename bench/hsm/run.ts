import { cpus } from 'node:os';
import { createHsmClient } from '../../clients/hsm/client.js';
import { EhcError } from '../../protocol/errors.js';
import { encodeRequest } from '../../protocol/hsm/codec.js';
import { type LevelResult, measure } from './measure.js';
import type { BenchPeer } from './peer.js';

export interface HsmBenchOptions {
  readonly peer: BenchPeer;
  /** Measured time per level and peer, ms (default 3000). */
  readonly durationMs?: number;
  /** Unrecorded warm-up per level and peer, ms (default 500). */
  readonly warmupMs?: number;
  readonly concurrencies?: readonly number[];
}

export interface HsmBenchLevel extends LevelResult {
  readonly baselineOpsPerSec: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
  /** opsPerSec / baselineOpsPerSec. */
  readonly ratio: number;
}

export interface HsmBenchResult {
  readonly name: 'verify/hsm';
  readonly concurrency: Record<string, HsmBenchLevel>;
  readonly targets: {
    readonly concurrency: 32;
    readonly opsPerSec: number;
    readonly p99Ms: number;
    readonly ratio: number;
  };
  /** Whether concurrency 32 meets every target (undefined when 32 was not measured). */
  readonly meetsTargets: boolean | undefined;
  readonly durationMs: number;
  readonly environment: { readonly node: string; readonly cpus: number; readonly platform: string };
}

export const TARGETS = { concurrency: 32, opsPerSec: 20_000, p99Ms: 2, ratio: 0.5 } as const;

/**
 * Validity checks per second through the client (`checkValidity` → decrypt + window check on the
 * machine), against the same framing echoed by a bare server (the baseline), measured in the same
 * run with the same client settings. Heartbeats are off in both so they measure the same thing.
 */
export async function runHsmBench(o: HsmBenchOptions): Promise<HsmBenchResult> {
  const durationMs = o.durationMs ?? 3000;
  const warmupMs = o.warmupMs ?? 500;
  const settings = { timeoutMs: 1000, heartbeatMs: 0 } as const;
  const hsm = createHsmClient({ endpoints: [o.peer.hsm], ...settings });
  const echo = createHsmClient({ endpoints: [o.peer.echo], ...settings });
  try {
    const made = await hsm.encryptValidity();
    if (made.status !== 'ok')
      throw new EhcError('BENCH_SETUP', `cipher machine did not make a validity block: ${made.status}`);
    const blockHex = made.value.blockHex;
    // A long lifetime so the block stays valid however long the run.
    const check = { lifetimeS: 86_400 } as const;
    const template = encodeRequest(0, 'VC', {
      keyIndex: 0,
      block: Buffer.from(blockHex, 'hex'),
      nowMs: 0,
      lifetimeS: check.lifetimeS,
      skewS: 5,
      timeZone: '',
    });
    // Warm both paths (JIT, connections) before anything is recorded, so the first level is fair.
    const warm = Math.min(1000, warmupMs * 2);
    await measure(async () => (await echo.rawCall('VC', Buffer.from(template))).status === 'ok', 8, warm, 0);
    await measure(async () => (await hsm.checkValidity(blockHex, check)).status === 'ok', 8, warm, 0);
    const concurrency: Record<string, HsmBenchLevel> = {};
    for (const c of o.concurrencies ?? [1, 8, 32]) {
      const base = await measure(
        async () => (await echo.rawCall('VC', Buffer.from(template))).status === 'ok',
        c,
        durationMs,
        warmupMs,
      );
      const real = await measure(
        async () => (await hsm.checkValidity(blockHex, check)).status === 'ok',
        c,
        durationMs,
        warmupMs,
      );
      concurrency[String(c)] = {
        ...real,
        baselineOpsPerSec: base.opsPerSec,
        baselineP50Ms: base.p50Ms,
        baselineP99Ms: base.p99Ms,
        ratio: base.opsPerSec > 0 ? Math.round((real.opsPerSec / base.opsPerSec) * 1000) / 1000 : 0,
      };
    }
    const at = concurrency[String(TARGETS.concurrency)];
    return {
      name: 'verify/hsm',
      concurrency,
      targets: TARGETS,
      meetsTargets:
        at === undefined
          ? undefined
          : at.opsPerSec >= TARGETS.opsPerSec && at.p99Ms <= TARGETS.p99Ms && at.ratio >= TARGETS.ratio,
      durationMs,
      environment: { node: process.version, cpus: cpus().length, platform: process.platform },
    };
  } finally {
    await Promise.all([hsm.close(), echo.close()]);
  }
}

/** A few lines for people. */
export function formatHsmBench(r: HsmBenchResult): string {
  const lines = ['verify/hsm: validity checks through the client vs the echo baseline'];
  for (const [c, l] of Object.entries(r.concurrency)) {
    lines.push(
      `  c=${c.padStart(2)}  ${String(l.opsPerSec).padStart(7)} checks/s  p50 ${l.p50Ms.toFixed(3)} ms  p99 ${l.p99Ms.toFixed(3)} ms` +
        `  | echo ${String(l.baselineOpsPerSec).padStart(7)}/s  ratio ${l.ratio.toFixed(2)}` +
        (l.failures > 0 ? `  (${l.failures} failed)` : ''),
    );
  }
  if (r.meetsTargets !== undefined) {
    lines.push(
      `  targets at c=32 (≥ ${r.targets.opsPerSec}/s, p99 ≤ ${r.targets.p99Ms} ms, ratio ≥ ${r.targets.ratio}): ${r.meetsTargets ? 'met' : 'NOT met'}`,
    );
  }
  return lines.join('\n');
}
