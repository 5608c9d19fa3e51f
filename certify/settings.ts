import type { CertifySettings } from './context.js';
import { CertifyError } from './errors.js';

/** The spec's figures (§5.3): 30 users, TPS ≥ 30, every transaction ≤ 1 s; 60 s per item, a 10-minute soak. */
export const DEFAULT_SETTINGS: CertifySettings = {
  users: 30,
  durationS: 60,
  soakS: 600,
  minTps: 30,
  maxLatencyMs: 1000,
};

function positive(name: string, v: number, max: number): number {
  if (!Number.isFinite(v) || v <= 0 || v > max) {
    throw new CertifyError('CERTIFY_CONFIG', `${name} must be a number in (0, ${max}]`);
  }
  return v;
}

/** Defaults completed with overrides; throws CERTIFY_CONFIG for out-of-range values. */
export function resolveSettings(o: Partial<CertifySettings> = {}): CertifySettings {
  const s = { ...DEFAULT_SETTINGS, ...o };
  return {
    users: Math.round(positive('users', s.users, 10_000)),
    durationS: positive('duration', s.durationS, 86_400),
    soakS: positive('soak', s.soakS, 30 * 86_400),
    minTps: positive('minTps', s.minTps, 1e6),
    maxLatencyMs: positive('maxLatencyMs', s.maxLatencyMs, 600_000),
  };
}
