import { PROTOCOL_VERSION } from '../../../protocol/device/messages.js';
import { bodyOf, type CheckSpec, fail, pass, sleep } from '../context.js';

/** Runs last: reboot is answered, and the device comes back with a new boot id. */
export const reboot: CheckSpec = {
  id: 'command.reboot',
  title: 'reboot is answered, then the device announces itself with a new boot id',
  async run(ctx) {
    const { peer } = ctx;
    const old = ctx.info?.bootId;
    if (old === undefined) return fail('no handshake');
    const from = peer.log.length;
    const t0 = performance.now();
    const { reply, ms } = await peer.command({ op: 'reboot' }, ctx.timeouts.slowCommandMs);
    if (reply?.status !== 'ok') return fail(`reboot ${reply ? `answered ${reply.status}` : 'not answered'}`);
    const isNewBoot = (r: Parameters<Parameters<typeof peer.waitFor>[0]>[0]) =>
      r.env.body.case === 'deviceInfo' && r.env.body.value.bootId !== old;
    let back: Awaited<ReturnType<typeof peer.waitFor>>;
    for (;;) {
      const left = ctx.timeouts.rebootMs - (performance.now() - t0);
      if (left <= 0) break;
      back = await peer.waitFor(isNewBoot, Math.min(left, ctx.timeouts.helloMs), from);
      if (back || peer.connected) {
        if (back) break;
        continue;
      }
      // A device that re-enumerates (USB) drops the link: reconnect and say Hello.
      try {
        await peer.connect();
        await peer.send({
          case: 'hello',
          value: { protocolVersion: PROTOCOL_VERSION, hostName: 'ehc-conformance', heartbeatIntervalMs: 0 },
        });
      } catch {
        await sleep(250);
      }
    }
    const info = bodyOf(back, 'deviceInfo');
    if (!info || !back)
      return fail(
        `reboot answered in ${Math.round(ms)} ms, but no new boot within ${ctx.timeouts.rebootMs} ms`,
      );
    ctx.info = info;
    return pass(
      `reboot answered in ${Math.round(ms)} ms; back as boot ${info.bootId} (was ${old}) after ${Math.round(back.atMs - t0)} ms`,
    );
  },
};
