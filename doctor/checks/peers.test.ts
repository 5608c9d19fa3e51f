// Peers down or hung, on loopback only: a closed port, and servers that accept and never answer.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import { peersCheck } from './peers.js';

const env = () => fakeEnv(mkdtempSync(join(tmpdir(), 'ehc-doctor-peers-')));
const open: (Server | HttpServer)[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(open.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push(server);
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Accepts connections and never writes a byte. */
function silentTcp(): Server {
  return createServer((socket) => sockets.push(socket));
}

function silentHttp(): HttpServer {
  return createHttpServer((req) => sockets.push(req.socket));
}

const config = (hsmPort: number, centralPort: number) =>
  parseAgentConfig({
    verify: { mode: 'chain' },
    hsm: { primary: `127.0.0.1:${hsmPort}`, timeoutMs: 200 },
    central: {
      url: `http://127.0.0.1:${centralPort}/api`,
      appId: 'APP1',
      appSecret: '0123456789abcdef',
      timeoutMs: 300,
    },
  });

describe('doctor peers', () => {
  it('peers down (closed loopback ports) fail with the reachability fix', async () => {
    const results = await runChecks([peersCheck], {
      env: env(),
      config: config(await closedPort(), await closedPort()),
    });
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]?.detail).toMatch(/cipher machine 127\.0\.0\.1:\d+ not reachable \(ECONNREFUSED\)/);
    expect(results[0]?.fix).toContain('listening on 127.0.0.1:');
    expect(results[1]?.detail).toContain('ECONNREFUSED');
    expect(results[1]?.fix).toContain('this host reaches it');
  });

  it('peers that accept and never answer fail within their timeouts, never hang', async () => {
    const started = Date.now();
    const results = await runChecks([peersCheck], {
      env: env(),
      config: config(await listen(silentTcp()), await listen(silentHttp())),
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['fail', expect.stringContaining('accepted the connection but gave no answer within 200 ms')],
      ['fail', expect.stringContaining('gave no answer: no complete reply within 300 ms')],
    ]);
  });

  it('an HTTPS central service whose certificate central.caFile did not sign: the TLS handshake fails, named', async () => {
    const pki = fileURLToPath(new URL('../../lab/fixtures/', import.meta.url));
    const server = createHttpsServer(
      { cert: readFileSync(join(pki, 'server.crt')), key: readFileSync(join(pki, 'server.key')) },
      (_req, res) => res.end('{}'),
    );
    const port = await listen(server);
    const cfg = (ca: string) =>
      parseAgentConfig({
        verify: { mode: 'central' },
        central: {
          url: `https://127.0.0.1:${port}/api`,
          appId: 'APP1',
          appSecret: '0123456789abcdef',
          timeoutMs: 1000,
          caFile: join(pki, ca),
        },
      });
    const [foreign] = await runChecks([peersCheck], { env: env(), config: cfg('rogue.crt') });
    expect(foreign).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('TLS handshake failed'),
    });
    expect(foreign?.fix).toContain('central.caFile');
    // With the right CA the handshake succeeds and the failure is the reply's, not TLS.
    const [missing] = await runChecks([peersCheck], { env: env(), config: cfg('nope.crt') });
    expect(missing).toMatchObject({
      detail: expect.stringContaining('not tried: cannot read central.caFile (ENOENT)'),
    });
    const [trusted] = await runChecks([peersCheck], { env: env(), config: cfg('ca.crt') });
    expect(trusted?.detail).not.toContain('TLS');
    expect(trusted?.fix).toContain('not the envelope endpoint');
  });
});
