import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectCause } from '../types.js';
import { parseTcpUrl, TcpTransport } from './tcp.js';

interface Server {
  readonly url: string;
  readonly sockets: net.Socket[];
  readonly received: Buffer[];
  close(): Promise<void>;
  connected(): Promise<net.Socket>;
}

const servers: Server[] = [];

async function startServer(): Promise<Server> {
  const sockets: net.Socket[] = [];
  const received: Buffer[] = [];
  const waiting: ((s: net.Socket) => void)[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => received.push(d));
    s.on('error', () => undefined);
    waiting.shift()?.(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const handle: Server = {
    url: `tcp://127.0.0.1:${port}`,
    sockets,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
    connected: () =>
      sockets.length > 0 && waiting.length === 0
        ? Promise.resolve(sockets[sockets.length - 1]!)
        : new Promise((r) => waiting.push(r)),
  };
  servers.push(handle);
  return handle;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('TcpTransport', () => {
  it('parses tcp:// addresses and rejects others', () => {
    expect(parseTcpUrl('tcp://127.0.0.1:9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseTcpUrl('tcp://[::1]:9100')).toEqual({ host: '::1', port: 9100 });
    expect(() => parseTcpUrl('http://127.0.0.1:80')).toThrow(TypeError);
    expect(() => parseTcpUrl('tcp://127.0.0.1')).toThrow(/port/);
    expect(() => parseTcpUrl('nonsense')).toThrow(TypeError);
  });

  it('exchanges bytes with a local server in order', async () => {
    const server = await startServer();
    const t = new TcpTransport({ url: server.url });
    const chunks: Buffer[] = [];
    t.on('data', (c) => chunks.push(Buffer.from(c)));
    const accepted = server.connected();
    await t.open();
    const peer = await accepted;
    peer.write('scan-1\r');
    await until(() => Buffer.concat(chunks).toString() === 'scan-1\r', 'data');
    await Promise.all([t.write(Buffer.from('A')), t.write(Buffer.from('B')), t.write(Buffer.from('C'))]);
    await until(() => Buffer.concat(server.received).toString() === 'ABC', 'writes');
    await t.close();
  });

  it('the peer closing gives one disconnected (remote-closed); our close afterwards adds nothing', async () => {
    const server = await startServer();
    const t = new TcpTransport({ url: server.url });
    const ends: DisconnectCause[] = [];
    t.on('disconnected', (c) => ends.push(c));
    const accepted = server.connected();
    await t.open();
    (await accepted).end();
    await until(() => ends.length === 1, 'disconnect');
    expect(ends[0]).toMatchObject({ reason: 'remote-closed', error: { code: 'TRANSPORT_DISCONNECTED' } });
    await t.close();
    expect(ends).toHaveLength(1);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    // It can connect again.
    const again = server.connected();
    await t.open();
    await again;
    await t.close();
    expect(ends.map((e) => e.reason)).toEqual(['remote-closed', 'closed']);
  });

  it('a reset connection is remote-closed too', async () => {
    const server = await startServer();
    const t = new TcpTransport({ url: server.url });
    const ends: DisconnectCause[] = [];
    t.on('disconnected', (c) => ends.push(c));
    const accepted = server.connected();
    await t.open();
    (await accepted).resetAndDestroy();
    await until(() => ends.length === 1, 'disconnect');
    expect(ends[0]?.reason).toBe('remote-closed');
  });

  it('a refused connection fails the open with TRANSPORT_OPEN_FAILED and keeps the cause', async () => {
    const server = await startServer();
    const url = server.url;
    await server.close();
    servers.length = 0;
    const t = new TcpTransport({ url });
    const err = await t.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
    expect((err as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
    expect(t.isOpen).toBe(false);
  });

  it('a connect that never completes times out with TRANSPORT_TIMEOUT', async () => {
    const stalled = new net.Socket();
    const t = new TcpTransport({
      url: 'tcp://127.0.0.1:9',
      connectTimeoutMs: 20,
      connect: () => stalled,
    });
    await expect(t.open()).rejects.toMatchObject({ code: 'TRANSPORT_TIMEOUT' });
    expect(stalled.destroyed).toBe(true);
  });
});
