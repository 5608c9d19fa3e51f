import { PROTOCOL_VERSION } from '../../protocol/device/messages.js';
import { commandChecks } from './checks/commands.js';
import { handshake } from './checks/handshake.js';
import { heartbeatTiming } from './checks/heartbeat.js';
import { reboot } from './checks/reboot.js';
import { garbageTolerance, oversizeTolerance } from './checks/robustness.js';
import { scanDelivery, scanResend } from './checks/scans.js';
import { sequenceHandling } from './checks/sequence.js';
import type { CheckContext, CheckSpec } from './context.js';
import { ConformanceError } from './errors.js';
import { HostPeer } from './peer.js';
import type { CheckResult, ConformanceOptions, ConformanceReport, ConformanceTimeouts } from './types.js';

/** Every check, in the order they run (reboot last: it ends the session's boot). */
export const CONFORMANCE_CHECKS: readonly CheckSpec[] = [
  handshake,
  heartbeatTiming,
  ...commandChecks,
  scanDelivery,
  scanResend,
  garbageTolerance,
  oversizeTolerance,
  sequenceHandling,
  reboot,
];

export const DEFAULT_TIMEOUTS: ConformanceTimeouts = {
  helloMs: 2000,
  commandMs: 1000,
  slowCommandMs: 5000,
  rebootMs: 15_000,
};

function resolveTimeouts(t: Partial<ConformanceTimeouts> = {}): ConformanceTimeouts {
  const out = { ...DEFAULT_TIMEOUTS, ...t };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isFinite(v) || v <= 0 || v > 600_000) {
      throw new ConformanceError('CONFORMANCE_BAD_OPTION', `timeout ${k} must be in 1…600000 ms, got ${v}`);
    }
  }
  return out;
}

/** Reconnects after a check left the link down, and opens a session with Hello. */
async function resume(ctx: CheckContext): Promise<void> {
  await ctx.peer.connect();
  await ctx.peer.send({
    case: 'hello',
    value: {
      protocolVersion: PROTOCOL_VERSION,
      hostName: 'ehc-conformance',
      heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    },
  });
}

/**
 * Runs the conformance suite against one device: every check in order, each with its evidence.
 * A check that throws fails with the error as evidence; checks after a failed handshake still run
 * (and fail for want of it), so the report always lists every check.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 250;
  if (!Number.isInteger(heartbeatIntervalMs) || heartbeatIntervalMs < 0) {
    throw new ConformanceError(
      'CONFORMANCE_BAD_OPTION',
      '"heartbeatIntervalMs" must be a non-negative integer',
    );
  }
  const ctx: CheckContext = {
    peer: new HostPeer(options.open),
    timeouts: resolveTimeouts(options.timeouts),
    heartbeatIntervalMs,
    seed: options.seed ?? 1,
    info: undefined,
    testScans: [],
  };
  const checks: CheckResult[] = [];
  try {
    for (const spec of CONFORMANCE_CHECKS) {
      const t0 = performance.now();
      let outcome: { pass: boolean; evidence: string };
      try {
        if (spec !== handshake && !ctx.peer.connected) await resume(ctx);
        outcome = await spec.run(ctx);
      } catch (e) {
        const code =
          typeof (e as { code?: unknown })?.code === 'string' ? `${(e as { code: string }).code}: ` : '';
        outcome = { pass: false, evidence: `${code}${e instanceof Error ? e.message : String(e)}` };
      }
      checks.push({ id: spec.id, title: spec.title, ...outcome, ms: Math.round(performance.now() - t0) });
    }
  } finally {
    await ctx.peer.disconnect().catch(() => {});
  }
  const info = ctx.info;
  const device = info ? (({ replyTo: _r, ...rest }) => rest)(info) : undefined;
  return {
    port: options.port,
    passed: checks.every((c) => c.pass),
    ...(device ? { device } : {}),
    checks,
  };
}
