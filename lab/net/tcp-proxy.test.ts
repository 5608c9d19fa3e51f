import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './tcp-proxy.js';

/** An echo server that prefixes replies with its name. */
async function echo(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', (d) => s.write(`${name}:${d}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Sends `text` through the proxy and resolves with the reply, or the connection error code. */
function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('connect', () => s.write(text));
    s.on('data', (d) => {
      resolve(String(d));
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.on('close', () => resolve('closed'));
  });
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

describe('TcpProxy', () => {
  it('relays, refuses while cut, relays again on the same port after restore', async () => {
    const a = await echo('a');
    open.push(a.server);
    const p = await TcpProxy.start({ upstreams: [{ host: '127.0.0.1', port: a.port }] });
    open.push(p);
    expect(await ask(p.port, 'hi')).toBe('a:hi');
    const port = p.port;
    await p.cut();
    expect(await ask(port, 'hi')).toBe('ECONNREFUSED');
    await p.restore();
    expect(p.port).toBe(port);
    expect(await ask(port, 'hi')).toBe('a:hi');
  });

  it('half-open: nothing is answered and nothing is closed; after resume what piled up is relayed', async () => {
    const a = await echo('a');
    open.push(a.server);
    const p = await TcpProxy.start({ upstreams: [{ host: '127.0.0.1', port: a.port }] });
    open.push(p);
    // an established connection and one opened while half-open
    const old = connect({ host: '127.0.0.1', port: p.port });
    await new Promise((r) => old.once('connect', r));
    old.on('error', () => {});
    const got: string[] = [];
    let closed = 0;
    old.on('data', (d) => got.push(`old ${d}`));
    old.on('close', () => closed++);
    await new Promise((r) => setTimeout(r, 50));
    p.halfOpen();
    expect(p.isHalfOpen).toBe(true);
    old.write('x');
    const late = connect({ host: '127.0.0.1', port: p.port });
    late.on('error', () => {});
    late.on('connect', () => late.write('y'));
    late.on('data', (d) => got.push(`late ${d}`));
    late.on('close', () => closed++);
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]);
    expect(closed).toBe(0);
    expect(late.destroyed || old.destroyed).toBe(false);
    p.resume();
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got.sort()).toEqual(['late a:y', 'old a:x']);
    old.destroy();
    late.destroy();
  });

  it('resets a relayed connection when cut', async () => {
    const a = await echo('a');
    open.push(a.server);
    const p = await TcpProxy.start({ upstreams: [{ host: '127.0.0.1', port: a.port }] });
    open.push(p);
    const s = connect({ host: '127.0.0.1', port: p.port });
    const ended = new Promise<string>((resolve) => {
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('close', () => resolve('closed'));
    });
    await new Promise((resolve) => s.on('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await p.cut();
    expect(['ECONNRESET', 'closed']).toContain(await ended);
  });

  it('sends new connections to the first upstream that accepts (failover)', async () => {
    const a = await echo('a');
    const b = await echo('b');
    open.push(b.server);
    const p = await TcpProxy.start({
      upstreams: [
        { host: '127.0.0.1', port: a.port },
        { host: '127.0.0.1', port: b.port },
      ],
    });
    open.push(p);
    expect(await ask(p.port, 'x')).toBe('a:x');
    await new Promise((resolve) => a.server.close(resolve));
    expect(await ask(p.port, 'y')).toBe('b:y');
    expect(p.stats.byUpstream[`127.0.0.1:${b.port}`]).toBe(1);
  });

  it('delays replies by latencyMs', async () => {
    const a = await echo('a');
    open.push(a.server);
    const p = await TcpProxy.start({ upstreams: [{ host: '127.0.0.1', port: a.port }] });
    open.push(p);
    p.latencyMs = 150;
    const t0 = performance.now();
    expect(await ask(p.port, 'slow')).toBe('a:slow');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
