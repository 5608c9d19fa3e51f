import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminService } from '../../agent/admin/index.js';
import {
  type ApiServer,
  checkBind,
  createApiServer,
  isApiError,
  isLoopbackHost,
} from '../../agent/api/index.js';
import { FakeRuntime } from './support/fake-runtime.js';
import { KIOSK_TOKEN, TEST_COST } from './support/harness.js';
import { connectWs } from './support/ws-client.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const tls = { cert: fixture('cert.pem'), key: fixture('key.pem') };
const tokens = [{ name: 'kiosk-1', token: KIOSK_TOKEN }];

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca: tls.cert, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function codeOfThrow(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return isApiError(error) ? error.code : 'other';
  }
  return 'none';
}

describe('local API: TLS and the bind policy (spec §5.1.1-6/7)', () => {
  let db: Database.Database;
  let admin: AdminService;
  let server: ApiServer | undefined;

  beforeEach(() => {
    db = new Database(':memory:');
    admin = new AdminService({ database: db, scryptCost: TEST_COST, sweepIntervalMs: 0 });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    admin.close();
    db.close();
  });

  it('serves HTTPS and WSS with the given certificate, and marks the cookie Secure', async () => {
    const runtime = new FakeRuntime();
    server = createApiServer({ runtime, admin, tokens, tls });
    const { url } = await server.listen();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${url}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual(runtime.healthReport);
    const ws = await connectWs(`${url.replace('https', 'wss')}/events`, {
      headers: { authorization: `Bearer ${KIOSK_TOKEN}` },
      ca: tls.cert,
    });
    await runtime.subscribers(1);
    ws.ws.close();
    await ws.closed;
    await admin.bootstrap('Initial-Pass-1');
    const login = await server.fastify.inject({
      method: 'POST',
      url: '/admin/login',
      payload: { name: 'admin', password: 'Initial-Pass-1' },
    });
    expect(login.headers['set-cookie']).toMatch(/; Secure$/);
  });

  it('refuses a non-loopback bind without TLS', () => {
    const runtime = new FakeRuntime();
    for (const host of ['0.0.0.0', '::', '192.168.1.5']) {
      expect(codeOfThrow(() => createApiServer({ runtime, admin, tokens, host }))).toBe(
        'API_INSECURE_REMOTE_BIND',
      );
    }
    expect(codeOfThrow(() => createApiServer({ runtime, admin, tokens, host: '0.0.0.0', tls }))).toBe('none');
    expect(codeOfThrow(() => createApiServer({ runtime, admin, tokens, host: '::1' }))).toBe('none');
  });

  it('allowInsecureRemote permits it and logs a warning', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'warn' }, sink);
    const runtime = new FakeRuntime();
    createApiServer({ runtime, admin, tokens, host: '127.0.0.1', logger });
    expect(lines).toEqual([]);
    // constructed, never listening: nothing is bound on 0.0.0.0 by this test
    createApiServer({ runtime, admin, tokens, host: '0.0.0.0', allowInsecureRemote: true, logger });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as { level: number; host: string; msg: string };
    expect([line.level, line.host]).toEqual([40, '0.0.0.0']);
    expect(line.msg).toMatch(/without TLS/);
    expect(checkBind('0.0.0.0', true, false)).toBeUndefined();
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('localhost')).toBe(true);
  });

  it('validates kiosk tokens at construction', () => {
    const runtime = new FakeRuntime();
    const bad = [
      [{ name: 'k', token: 'short' }],
      [{ name: 'k', token: 'ehcs_looks-like-a-session-token' }],
      [
        { name: 'k', token: KIOSK_TOKEN },
        { name: 'k', token: `${KIOSK_TOKEN}2` },
      ],
      [{ name: '', token: KIOSK_TOKEN }],
    ];
    for (const t of bad)
      expect(codeOfThrow(() => createApiServer({ runtime, admin, tokens: t }))).toBe('API_INVALID_OPTION');
  });
});
