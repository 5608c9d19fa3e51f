import { PROTOCOL_VERSION, type ScanMessage } from '../../../protocol/device/messages.js';
import { bodyOf, type CheckContext, type CheckSpec, fail, pass, sameBytes, testPayload } from '../context.js';
import type { Received } from '../peer.js';

const isScan = (r: Received, scanSeq: number, bootId: number, minAttempt = 1) =>
  r.env.body.case === 'scan' &&
  r.env.body.value.scanSeq === scanSeq &&
  r.env.body.value.bootId === bootId &&
  r.env.body.value.attempt >= minAttempt;

/** Asks for a test scan and waits for its first report (acknowledgements off). */
async function requestScan(
  ctx: CheckContext,
  tag: string,
): Promise<{ scan?: ScanMessage; atMs: number; note: string }> {
  const payload = testPayload(ctx, tag);
  const from = ctx.peer.log.length;
  const { reply, ms } = await ctx.peer.command(
    { op: 'testScan', payload, symbology: 'qr_code' },
    ctx.timeouts.commandMs,
  );
  if (reply?.status !== 'ok') {
    return {
      atMs: 0,
      note: `test_scan ${reply ? `answered ${reply.status} ${reply.message}` : 'not answered'}`,
    };
  }
  const r = await ctx.peer.waitFor(
    (x) => x.env.body.case === 'scan' && sameBytes(x.env.body.value.payload, payload),
    ctx.timeouts.commandMs,
    from,
  );
  const scan = bodyOf(r, 'scan');
  if (!scan || !r)
    return { atMs: 0, note: `no scan report within ${ctx.timeouts.commandMs} ms of test_scan` };
  ctx.testScans.push(scan);
  return {
    scan,
    atMs: r.atMs,
    note: `test_scan ok in ${Math.round(ms)} ms; scan ${scan.scanSeq} attempt ${scan.attempt}`,
  };
}

async function ack(ctx: CheckContext, s: ScanMessage): Promise<void> {
  await ctx.peer.send({ case: 'scanAck', value: { scanSeq: s.scanSeq, bootId: s.bootId } });
}

/**
 * Nothing more of this scan arrives for two ack timeouts once the device has processed the
 * acknowledgement. The fence: a command sent after the ack is answered only after the device read
 * the ack (input is processed in order), so only copies behind that reply count; copies already in
 * flight when the ack was sent do not.
 */
async function quietAfterAck(ctx: CheckContext, s: ScanMessage): Promise<boolean> {
  const fence = await ctx.peer.command({ op: 'configGet', keys: [] }, ctx.timeouts.commandMs);
  const replyAt = ctx.peer.log.findIndex(
    (r) =>
      r.env.body.case === 'reply' && r.env.body.value.replyTo === fence.seq && r.conn === ctx.peer.connection,
  );
  const from = replyAt < 0 ? ctx.peer.log.length : replyAt + 1;
  const again = await ctx.peer.waitFor(
    (x) => isScan(x, s.scanSeq, s.bootId),
    2 * (ctx.info?.ackTimeoutMs ?? 1000) + 200,
    from,
  );
  return again === undefined;
}

export const scanDelivery: CheckSpec = {
  id: 'scan.delivery',
  title: 'a scan is reported with sequence number and device time, and not re-sent once acknowledged',
  async run(ctx) {
    const info = ctx.info;
    if (!info) return fail('no handshake');
    ctx.peer.autoAck = false;
    try {
      const r = await requestScan(ctx, 'delivery');
      const s = r.scan;
      if (!s) return fail(r.note);
      const problems: string[] = [];
      if (s.attempt !== 1) problems.push(`first report has attempt ${s.attempt}`);
      if (s.bootId !== info.bootId) problems.push(`boot id ${s.bootId} ≠ DeviceInfo's ${info.bootId}`);
      if (s.scanSeq === 0) problems.push('scan seq 0');
      if (s.deviceTimeUs === 0) problems.push('no device time');
      if (s.symbology !== 'qr_code') problems.push(`symbology ${s.symbology}`);
      await ack(ctx, s);
      if (!(await quietAfterAck(ctx, s))) problems.push('re-sent after it was acknowledged');
      const note = `${r.note}, device time ${s.deviceTimeUs} µs; acknowledged`;
      return problems.length === 0
        ? pass(`${note}; no re-send after ack`)
        : fail(`${problems.join('; ')} (${note})`);
    } finally {
      ctx.peer.autoAck = true;
    }
  },
};

export const scanResend: CheckSpec = {
  id: 'scan.resend',
  title:
    'an unacknowledged scan is re-sent after the ack timeout and after a link drop, same sequence number',
  async run(ctx) {
    const info = ctx.info;
    if (!info) return fail('no handshake');
    const ackMs = info.ackTimeoutMs;
    ctx.peer.autoAck = false;
    try {
      const r = await requestScan(ctx, 'resend');
      const s = r.scan;
      if (!s) return fail(r.note);
      const notes = [r.note];
      let from = ctx.peer.log.length;
      const again = await ctx.peer.waitFor((x) => isScan(x, s.scanSeq, s.bootId, 2), 2 * ackMs + 500, from);
      const resent = bodyOf(again, 'scan');
      if (!resent || !again)
        return fail(`${r.note}; not re-sent within ${2 * ackMs + 500} ms (ack timeout ${ackMs} ms)`);
      const after = Math.round(again.atMs - r.atMs);
      if (!sameBytes(resent.payload, s.payload))
        return fail(`${r.note}; the re-send carries a different payload`);
      if (after < ackMs / 2) return fail(`${r.note}; re-sent after ${after} ms, before half the ack timeout`);
      notes.push(`re-sent after ${after} ms (attempt ${resent.attempt})`);
      // Drop the link: the scan must come again on the new connection.
      await ctx.peer.disconnect();
      await ctx.peer.connect();
      from = ctx.peer.log.length;
      await ctx.peer.send({
        case: 'hello',
        value: {
          protocolVersion: PROTOCOL_VERSION,
          hostName: 'ehc-conformance',
          heartbeatIntervalMs: ctx.heartbeatIntervalMs,
        },
      });
      const back = await ctx.peer.waitFor((x) => isScan(x, s.scanSeq, s.bootId), ctx.timeouts.helloMs, from);
      const b = bodyOf(back, 'scan');
      if (!b)
        return fail(`${notes.join('; ')}; not re-sent within ${ctx.timeouts.helloMs} ms after reconnecting`);
      notes.push(`re-sent on the new connection (attempt ${b.attempt})`);
      await ack(ctx, s);
      if (!(await quietAfterAck(ctx, s))) return fail(`${notes.join('; ')}; still re-sent after the ack`);
      return pass(`${notes.join('; ')}; quiet after ack`);
    } finally {
      ctx.peer.autoAck = true;
    }
  },
};
