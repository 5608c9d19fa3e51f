/**
 * Clock skew against the peers: the central service's HTTP `Date` header (1 s resolution) and the
 * cipher machine's clock (its diagnostics reply). A dynamic code is valid for `verify.lifetimeS`
 * (default 60 s) from its generation time, give or take `verify.skewS` (default 5 s); a clock off
 * by more than lifetime + skew refuses (or accepts) every code judged by it, and the central
 * service refuses requests stamped too far off. So:
 * - warn when |skew| > lifetimeS / 2 (half the window gone: 30 s by default);
 * - fail when |skew| > lifetimeS + skewS (no code survives: 65 s by default).
 * The skew is the peer's time minus the local time at the middle of the round trip.
 */
import type { AgentConfig } from '../../agent/config/agent-config.js';
import type { Check, CheckResult } from '../types.js';
import { peersTimeout } from './peers.js';
import { centralUrls, hsmEndpoints, probeCentral, probeHsm } from './probes.js';

export interface SkewLimits {
  readonly warnMs: number;
  readonly failMs: number;
}

export function skewLimits(config: AgentConfig): SkewLimits {
  return {
    warnMs: (config.verify.lifetimeS * 1000) / 2,
    failMs: (config.verify.lifetimeS + config.verify.skewS) * 1000,
  };
}

const NTP_FIX =
  'synchronise this machine’s clock with NTP (timedatectl set-ntp true; or chrony/ntpd pointed at the hospital’s time server)';

export function skewResult(peer: string, skewMs: number, limits: SkewLimits): CheckResult {
  const s = (Math.abs(skewMs) / 1000).toFixed(1);
  const side = skewMs > 0 ? 'behind' : 'ahead of';
  const detail = `local clock ${Math.abs(skewMs) < 1000 ? 'agrees with' : `${s} s ${side}`} ${peer}`;
  const abs = Math.abs(skewMs);
  if (abs > limits.failMs) {
    return {
      id: 'clock',
      status: 'fail',
      detail: `${detail} (more than ${limits.failMs / 1000} s: dynamic codes fail)`,
      fix: NTP_FIX,
    };
  }
  if (abs > limits.warnMs) {
    return {
      id: 'clock',
      status: 'warn',
      detail: `${detail} (more than ${limits.warnMs / 1000} s)`,
      fix: NTP_FIX,
    };
  }
  return { id: 'clock', status: 'ok', detail };
}

export const clockCheck: Check = {
  id: 'clock',
  timeoutMs: peersTimeout,
  async run(ctx) {
    const config = ctx.config;
    if (!config) return [];
    const limits = skewLimits(config);
    const out: CheckResult[] = [];
    for (const url of centralUrls(config)) {
      const p = await probeCentral(ctx, url);
      // The Date header has 1 s resolution: it names the second the reply was made.
      if (p.dateMs !== undefined) {
        out.push(
          skewResult(`central service ${url}`, p.dateMs + 500 - (p.sentMs + p.answeredMs) / 2, limits),
        );
      }
    }
    for (const endpoint of hsmEndpoints(config)) {
      const p = await probeHsm(ctx, endpoint);
      if (p.result?.status === 'ok') {
        out.push(
          skewResult(
            `cipher machine ${endpoint}`,
            p.result.value.timeMs - (p.sentMs + p.answeredMs) / 2,
            limits,
          ),
        );
      }
    }
    if (out.length === 0) {
      out.push({
        id: 'clock',
        status: 'warn',
        detail: 'no peer answered with its time: skew not measured',
        fix: 'see the peers lines; then run ehc doctor again',
      });
    }
    return out;
  },
};
