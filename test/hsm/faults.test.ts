// Fault injection through real sockets: every failure ends in a typed result, never a hang or a rejection.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHsmClient } from '../../clients/hsm/client.js';
import type { HsmClientStatus } from '../../clients/hsm/types.js';
import { encodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import { FrameDecoder } from '../../protocol/hsm/framing.js';
import { Harness, okValue, tick, until } from './helpers.js';

const h = new Harness();
const rejections: unknown[] = [];
const onRejection = (e: unknown): void => {
  rejections.push(e);
};
beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(async () => {
  process.off('unhandledRejection', onRejection);
  await h.cleanup();
});

const BLOCK = '00'.repeat(16);

describe('cipher machine faults', () => {
  it('hang → unavailable (timeout) by the call’s deadline', async () => {
    const m = await h.machine();
    const c = h.client(m, { timeoutMs: 100 });
    okValue(await c.info());
    m.setFaults({ hang: true });
    const rs = await Promise.all([c.checkValidity(BLOCK), c.info(), c.random(4, { timeoutMs: 50 })]);
    for (const r of rs)
      expect(r).toMatchObject({ status: 'unavailable', reason: 'timeout', endpoint: m.endpoint });
    expect(c.status().counters.timeouts).toBe(3);
    // Switched off at run time: the same connection answers again; late replies are never misattributed.
    m.setFaults({});
    okValue(await c.info());
  });

  it('server killed mid-request → unavailable (connection lost), no unhandled rejection', async () => {
    const m = await h.machine({ faults: { latencyMs: 60_000, commands: ['VC', 'RA'] } });
    const c = h.client(m, { timeoutMs: 10_000 });
    okValue(await c.info());
    const inFlight = [c.checkValidity(BLOCK), c.random(8), c.checkValidity(BLOCK)];
    await until(() => c.status().endpoints[0]!.inFlight === 3);
    await tick();
    await m.close();
    const rs = await Promise.all(inFlight);
    for (const r of rs) expect(r).toMatchObject({ status: 'unavailable', reason: 'connection-lost' });
    // Nothing listens any more: new calls end at once, connect-failed.
    expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'connect-failed' });
    await tick();
    expect(rejections).toEqual([]);
  });

  it('corrupt reply → unavailable (malformed-reply)', async () => {
    const m = await h.machine({ faults: { corrupt: true } });
    const c = h.client(m);
    expect(await c.checkValidity(BLOCK)).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
    expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
  });

  it('a garbled length prefix closes the connection; its calls end malformed-reply', async () => {
    // A peer that answers every frame with an impossible length (below header + command).
    const peer = createServer((s) => s.on('data', () => s.write(Buffer.from([0, 1, 0, 0]))));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const port = (peer.address() as { port: number }).port;
    const c = createHsmClient({ endpoints: [{ host: '127.0.0.1', port }], heartbeatMs: 0 });
    try {
      expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
    } finally {
      await c.close();
      await new Promise((r) => peer.close(r));
    }
  });

  it('a reply with an id nobody waits for is ignored (counted), the call times out', async () => {
    // A peer that answers every request with a well-formed reply under another id.
    const peer = createServer((s) => {
      const frames = new FrameDecoder();
      s.on('data', (d: Buffer) =>
        frames.push(d, (body) =>
          s.write(
            encodeReply((body.readUInt32BE(0) + 1) >>> 0, 'NC', {
              vendor: 'v',
              model: 'm',
              serial: 's',
              firmware: 'f',
              timeMs: 0,
            }),
          ),
        ),
      );
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const port = (peer.address() as { port: number }).port;
    const c = createHsmClient({ endpoints: [{ host: '127.0.0.1', port }], heartbeatMs: 0, timeoutMs: 100 });
    try {
      expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'timeout' });
      expect(c.status().counters.lateReplies).toBe(1);
    } finally {
      await c.close();
      await new Promise((r) => peer.close(r));
    }
  });

  it('a given error code → hsm-error when known, unknown-error-code otherwise', async () => {
    const m = await h.machine({ faults: { errorCode: '04' } });
    const c = h.client(m);
    expect(await c.checkValidity(BLOCK)).toMatchObject({
      status: 'unavailable',
      reason: 'hsm-error',
      code: '04',
      sdr: 'SDR_HARDFAIL',
    });
    m.setFaults({ errorCode: '77' });
    expect(await c.checkValidity(BLOCK)).toMatchObject({
      status: 'unavailable',
      reason: 'unknown-error-code',
      code: '77',
    });
    // SDR_VERIFYERR is a definite "no" only for a verify.
    m.setFaults({ errorCode: '14' });
    expect(await c.checkValidity(BLOCK)).toMatchObject({ status: 'unavailable', reason: 'hsm-error' });
    expect(await c.sm2Verify(4, 'x', '00'.repeat(64))).toMatchObject({
      status: 'no',
      reason: 'bad-signature',
    });
  });

  it('dropped connection → unavailable (connection-lost); the client reconnects for the next call', async () => {
    const m = await h.machine();
    const c = h.client(m, { poolSize: 1 });
    okValue(await c.info());
    m.setFaults({ drop: true, commands: ['VC'] });
    expect(await c.checkValidity(BLOCK)).toMatchObject({ status: 'unavailable', reason: 'connection-lost' });
    okValue(await c.info());
  });

  it('nothing listening → connect-failed; a closed client → closed', async () => {
    const m = await h.machine();
    const { port } = m.address();
    await m.close();
    const c = createHsmClient({ endpoints: [{ host: '127.0.0.1', port }], heartbeatMs: 0 });
    expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'connect-failed' });
    await c.close();
    expect(await c.info()).toMatchObject({ status: 'unavailable', reason: 'closed' });
  });

  it('heartbeats notice a hung machine: status turns unavailable', async () => {
    const m = await h.machine();
    const c = h.client(m, { heartbeatMs: 30, timeoutMs: 60, poolSize: 1 });
    okValue(await c.info());
    await until(() => c.status().available);
    const seen: HsmClientStatus[] = [];
    const down = new Promise<void>((resolve) =>
      c.onStatusChange((s) => {
        seen.push(s);
        if (!s.available) resolve();
      }),
    );
    m.setFaults({ hang: true });
    await down;
    expect(seen.at(-1)).toMatchObject({ available: false, active: m.endpoint });
    m.setFaults({});
    await until(() => c.status().available);
  });

  it('faults can be switched over the wire when the machine allows it', async () => {
    const m = await h.machine({ faultControl: true });
    const c = h.client(m);
    const zf = (faults: string) => c.rawCall('ZF', encodeRequest(0, 'ZF', { faults }));
    expect((await zf('{"errorCode":"01","commands":["NC"]}')).status).toBe('ok');
    expect(m.faults).toEqual({ errorCode: '01', commands: ['NC'] });
    expect(await c.info()).toMatchObject({ status: 'unavailable', sdr: 'SDR_UNKNOWERR' });
    expect((await zf('{}')).status).toBe('ok');
    okValue(await c.info());
  });
});
