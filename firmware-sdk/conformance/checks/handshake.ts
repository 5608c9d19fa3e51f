import { PROTOCOL_VERSION } from '../../../protocol/device/messages.js';
import { bodyOf, type CheckSpec, fail, pass } from '../context.js';

/** Hello → DeviceInfo: answered in time, echoing the Hello's seq, with a complete identity. */
export const handshake: CheckSpec = {
  id: 'handshake.identity',
  title: 'Hello is answered with a complete DeviceInfo within its deadline',
  async run(ctx) {
    const { peer } = ctx;
    await peer.connect();
    const t0 = performance.now();
    const from = peer.log.length;
    const seq = await peer.send({
      case: 'hello',
      value: {
        protocolVersion: PROTOCOL_VERSION,
        hostName: 'ehc-conformance',
        heartbeatIntervalMs: ctx.heartbeatIntervalMs,
      },
    });
    const r = await peer.waitFor(
      (x) => x.env.body.case === 'deviceInfo' && x.env.body.value.replyTo === seq,
      ctx.timeouts.helloMs,
      from,
    );
    const info = bodyOf(r, 'deviceInfo');
    if (!info || !r)
      return fail(`no DeviceInfo answering Hello seq ${seq} within ${ctx.timeouts.helloMs} ms`);
    ctx.info = info;
    const ms = Math.round(r.atMs - t0);
    const problems: string[] = [];
    for (const k of ['vendor', 'model', 'firmwareVersion', 'serial', 'certifiedModelId'] as const) {
      if (info[k].trim() === '') problems.push(`${k} is empty`);
    }
    if (info.protocolVersion !== PROTOCOL_VERSION) problems.push(`protocol version ${info.protocolVersion}`);
    if (info.bootId === 0) problems.push('boot id is 0');
    if (info.heartbeatIntervalMs === 0) problems.push('no heartbeat interval');
    if (info.ackTimeoutMs === 0) problems.push('no ack timeout');
    if (info.maxFrameBytes < 256) problems.push(`max frame ${info.maxFrameBytes} < 256`);
    const id = `${info.vendor} ${info.model} fw ${info.firmwareVersion} serial ${info.serial} model-id ${info.certifiedModelId}`;
    const detail = `${id}; boot ${info.bootId}, heartbeat ${info.heartbeatIntervalMs} ms, ack timeout ${info.ackTimeoutMs} ms, max frame ${info.maxFrameBytes} B; answered in ${ms} ms`;
    return problems.length === 0 ? pass(detail) : fail(`${problems.join('; ')} (${detail})`);
  },
};
