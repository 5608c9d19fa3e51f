import { type CheckSpec, fail, pass, sleep } from '../context.js';

/**
 * Heartbeats at the announced interval. Measured twice: the device's own uptime stamps between
 * consecutive heartbeats (immune to host scheduling delays) must lie within ±50 % of the
 * interval, and the number received over the window must match it (so a device cannot fake the
 * stamps).
 */
export const heartbeatTiming: CheckSpec = {
  id: 'heartbeat.timing',
  title: 'heartbeats arrive at the announced interval',
  async run(ctx) {
    const interval = ctx.info?.heartbeatIntervalMs;
    if (!interval) return fail('no handshake (no announced interval)');
    const windowMs = Math.min(Math.max(6 * interval, 1200), 30_000);
    const from = ctx.peer.log.length;
    await sleep(windowMs);
    const beats = ctx.peer.log
      .slice(from)
      .flatMap((r) => (r.env.body.case === 'heartbeat' ? [r.env.body.value] : []));
    const expected = Math.floor(windowMs / interval);
    const gaps = beats.slice(1).map((b, i) => b.uptimeMs - beats[i]!.uptimeMs);
    const bad = gaps.filter((g) => g < interval / 2 || g > interval * 1.5);
    const evidence = `interval ${interval} ms; ${beats.length} heartbeats in ${windowMs} ms (expected ~${expected}); device-side gaps ${gaps.join(', ') || 'none'} ms`;
    // 60 %: host-side delays may hold the last one or two back; a device sending one in three fails.
    if (beats.length < Math.max(2, Math.ceil(expected * 0.6))) return fail(`too few heartbeats: ${evidence}`);
    if (bad.length > 0) return fail(`gaps outside ${interval / 2}…${interval * 1.5} ms: ${evidence}`);
    return pass(evidence);
  },
};
