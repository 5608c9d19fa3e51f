// Local API: request body and header limits, and slow clients (slowloris) cut off by explicit
// server timeouts, over real sockets on loopback.
import type * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS } from '../../agent/api/http-limits.js';
import { KIOSK_TOKEN, type SecurityApi, startApi } from './support/api.js';
import { rawRequest, rawSocket, untilClosed } from './support/http.js';

const FAST = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, checkIntervalMs: 50 };

let s: SecurityApi;
let fast: SecurityApi;
beforeAll(async () => {
  s = await startApi();
  fast = await startApi({ limits: FAST });
});
afterAll(async () => {
  await s.close();
  await fast.close();
});

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes `head` then one more header line every `everyMs` until the socket closes. */
async function drip(url: string, head: string, line: string, everyMs: number) {
  const socket = await rawSocket(url);
  const closed = untilClosed(socket, Date.now());
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(line);
  }, everyMs);
  const result = await Promise.race([closed, pause(5_000).then(() => undefined)]);
  clearInterval(timer);
  socket.destroy();
  return result;
}

describe('size limits', () => {
  it('answers 413 to a body over 256 KiB, before reading it all', async () => {
    const res = await rawRequest(`${s.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('API_PAYLOAD_TOO_LARGE');
  });

  it('answers 431 to a header block over 8 KiB (Node would take 16 KiB)', async () => {
    const big = await rawRequest(`${s.url}/health`, { headers: { 'x-pad': 'a'.repeat(12 * 1024) } });
    expect(big.status).toBe(431);
    const ok = await rawRequest(`${s.url}/health`, { headers: { 'x-pad': 'a'.repeat(4 * 1024) } });
    expect(ok.status).toBe(200);
  });

  it('reads at most 64 header lines: a credential hidden past them is not seen', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 80; i++) headers[`x-h${i}`] = '1';
    headers.authorization = `Bearer ${KIOSK_TOKEN}`;
    const res = await rawRequest(`${s.url}/scans`, { headers });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toContain('scanner-1');
    expect(s.api.fastify.server.maxHeadersCount).toBe(64);
  });
});

describe('slow clients', () => {
  it('sets every server timeout explicitly (Fastify/Node defaults: no request timeout, 72 s keep-alive)', () => {
    const server = s.api.fastify.server as http.Server;
    expect(server.headersTimeout).toBe(DEFAULT_HTTP_LIMITS.headersTimeoutMs);
    expect(server.requestTimeout).toBe(DEFAULT_HTTP_LIMITS.requestTimeoutMs);
    expect(server.keepAliveTimeout).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
    expect(DEFAULT_HTTP_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(DEFAULT_HTTP_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(30_000);
  });

  it('closes a connection whose headers drip in a line at a time (slowloris)', async () => {
    const r = await drip(fast.url, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-a: b\r\n', 100);
    expect(r, 'still open after 5 s').toBeDefined();
    expect(r!.ms).toBeLessThan(FAST.headersTimeoutMs + 1_000);
    expect(r!.received).not.toContain('200 OK');
  });

  it('closes a connection whose body drips in a byte at a time', async () => {
    const head =
      'POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
    const r = await drip(fast.url, head, ' ', 100);
    expect(r, 'still open after 5 s').toBeDefined();
    expect(r!.ms).toBeLessThan(FAST.requestTimeoutMs + 1_000);
    expect(r!.received).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('closes an idle kept-alive connection', async () => {
    const socket = await rawSocket(fast.url);
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const r = await Promise.race([untilClosed(socket, Date.now()), pause(5_000).then(() => undefined)]);
    socket.destroy();
    expect(r).toBeDefined();
    expect(r!.received).toContain('200 OK');
    expect(r!.ms).toBeLessThan(3_000);
  });
});
