// Peers' framing: a cipher machine (or a client of the soft one) sending an oversized frame is cut
// off at the limit; replayed and reordered cipher-machine replies are matched by request id and
// command, never to another call; a central service streaming an endless or oversized body is cut
// off at the reply cap. Hostile peers are real servers on loopback.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../clients/central/http.js';
import { httpsFetch } from '../../clients/central/https-fetch.js';
import { createHsmClient } from '../../clients/hsm/client.js';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { encodeReply } from '../../protocol/hsm/codec.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { KEYS } from '../hsm/helpers.js';
import { fakeMachine, type SeenRequest } from './support/fake-machine.js';
import { untilClosed } from './support/http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function client(port: number, extra: { maxFrameLength?: number; timeoutMs?: number } = {}): CipherMachine {
  const c = createHsmClient({
    endpoints: [{ host: '127.0.0.1', port }],
    heartbeatMs: 0,
    poolSize: 1,
    timeoutMs: 1_000,
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

const bytesReply = (id: number, fill: number): Buffer =>
  encodeReply(id, 'RA', { bytes: Buffer.alloc(8, fill) });

describe('cipher-machine framing limits', () => {
  it('the client cuts off a machine announcing a frame over its limit, at once', async () => {
    let closedByClient: Promise<{ ms: number }> | undefined;
    const m = await fakeMachine(({ socket }) => {
      closedByClient = untilClosed(socket, Date.now());
      socket.write(Buffer.from([0xff, 0xff, 0, 0, 0, 1]));
    });
    cleanups.push(() => m.close());
    const t0 = Date.now();
    const r = await client(m.port, { maxFrameLength: 4096, timeoutMs: 5_000 }).random(8);
    expect(r).toMatchObject({ status: 'unavailable', reason: 'malformed-reply' });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect((await closedByClient!).ms).toBeLessThan(1_000);
  });

  it('the soft cipher machine cuts off a client announcing a frame over its limit', async () => {
    const machine = await CipherMachineServer.start({ keys: KEYS, maxFrameLength: 4096 });
    cleanups.push(() => machine.close());
    const socket = connect(machine.address().port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const closed = untilClosed(socket, Date.now());
    socket.write(Buffer.from([0xff, 0xff, 0, 0, 0, 1, 0x52, 0x41]));
    const endless = setInterval(() => socket.write(Buffer.alloc(16 * 1024, 0x41)), 5);
    const r = await Promise.race([closed, new Promise((res) => setTimeout(() => res(undefined), 3_000))]);
    clearInterval(endless);
    socket.destroy();
    expect(r, 'the machine kept reading').toBeDefined();
  });
});

describe('replayed and reordered cipher-machine replies', () => {
  it('reordered replies each reach their own call', async () => {
    const held: SeenRequest[] = [];
    const m = await fakeMachine((seen) => {
      held.push(seen);
      if (held.length === 2) {
        // answer the second request first, each with a byte pattern naming its request
        for (const s of [held[1]!, held[0]!])
          s.socket.write(bytesReply(s.request.id, s === held[0] ? 0xaa : 0xbb));
      }
    });
    cleanups.push(() => m.close());
    const c = client(m.port);
    const [a, b] = await Promise.all([c.random(8), c.random(8)]);
    expect(a).toMatchObject({ status: 'ok', value: Buffer.alloc(8, 0xaa) });
    expect(b).toMatchObject({ status: 'ok', value: Buffer.alloc(8, 0xbb) });
  });

  it('a replayed reply does not answer the next call on the same connection', async () => {
    let first: Buffer | undefined;
    const m = await fakeMachine(({ request, socket }) => {
      if (first === undefined) {
        first = bytesReply(request.id, 0xaa);
        socket.write(first);
      } else {
        socket.write(first); // the replay, then the genuine answer a little later
        setTimeout(() => socket.write(bytesReply(request.id, 0xbb)), 20);
      }
    });
    cleanups.push(() => m.close());
    const c = client(m.port);
    expect(await c.random(8)).toMatchObject({ status: 'ok', value: Buffer.alloc(8, 0xaa) });
    expect(await c.random(8)).toMatchObject({ status: 'ok', value: Buffer.alloc(8, 0xbb) });
    expect(c.status().counters.lateReplies).toBe(1);
  });

  it('a reply recorded on an earlier connection is refused on a new one', async () => {
    let recorded: Buffer | undefined;
    const m = await fakeMachine(({ request, socket, connection }) => {
      if (connection === 1) {
        recorded = bytesReply(request.id, 0xaa);
        socket.write(recorded, () => socket.destroy());
      } else {
        socket.write(recorded!); // never a genuine answer: the call must not take the replay
      }
    });
    cleanups.push(() => m.close());
    const c = client(m.port, { timeoutMs: 300 });
    expect(await c.random(8)).toMatchObject({ status: 'ok', value: Buffer.alloc(8, 0xaa) });
    let second = await c.random(8);
    for (let i = 0; i < 20 && second.status === 'unavailable' && second.reason !== 'timeout'; i++) {
      second = await c.random(8); // reconnecting
    }
    expect(second).toMatchObject({ status: 'unavailable', reason: 'timeout' });
  });

  it('a reply to another command under the right id is refused', async () => {
    const m = await fakeMachine(({ request, socket }) => {
      // a well-formed random reply whose command says it answers diagnostics (ND, not RB)
      const frame = bytesReply(request.id, 0xaa);
      frame.write('ND', 2 + 4, 'latin1');
      socket.write(frame);
    });
    cleanups.push(() => m.close());
    expect(await client(m.port).random(8)).toMatchObject({
      status: 'unavailable',
      reason: 'malformed-reply',
    });
  });
});

describe('central-service reply size', () => {
  async function hostileCentral(handler: Parameters<typeof createHttpServer>[1]): Promise<string> {
    const server: Server = createHttpServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ehc`;
  }

  it('cuts off an endless chunked reply at the cap, long before the deadline', async () => {
    let sent = 0;
    const url = await hostileCentral((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = (): void => {
        while (!res.destroyed && res.write(Buffer.alloc(64 * 1024, 0x20))) sent += 64 * 1024;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => undefined);
      pump();
    });
    const h = httpsFetch({ maxResponseBytes: 64 * 1024 });
    cleanups.push(() => h.close());
    const t0 = Date.now();
    const r = await postJson(url, '{}', { timeoutMs: 10_000, maxBytes: 64 * 1024, fetch: h.fetch });
    expect(r).toMatchObject({ ok: false, reason: 'reply-too-large' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared oversized body without reading it', async () => {
    const url = await hostileCentral((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(512 * 1024 * 1024) });
      res.write('{');
    });
    const h = httpsFetch({ maxResponseBytes: 64 * 1024 });
    cleanups.push(() => h.close());
    await expect(h.fetch(url, { method: 'POST', body: '{}' })).rejects.toMatchObject({
      code: 'CENTRAL_CLIENT_REPLY_TOO_LARGE',
    });
  });
});
