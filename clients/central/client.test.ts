import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTRAL_ERR_CODES, errCodeForEnvelopeError } from '../../protocol/central/err-codes.js';
import { CENTRAL_METHODS, type CentralMethod } from '../../protocol/central/methods.js';
import { type ReplyOutcome, sealReply, unsignedFailureReply } from '../../protocol/central/reply.js';
import { openRequest } from '../../protocol/central/request.js';
import { SAMPLE_BIZ } from '../../protocol/central/samples.js';
import { CentralClient } from './client.js';
import type { CentralClientOptions } from './types.js';

const APP = 'A1ADF361-BE0E-4CBB-A5B3-81F4065233B1';
const SECRET = 'AA57EF5F0E9A4168';
const TERM = 'SK0001';

/**
 * A small central service: opens each request with protocol/central and answers per path.
 * `/ok` echoes the samples; other paths misbehave in one specific way each.
 */
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const requests: string[] = [];
const refused: string[] = [];

function reply<M extends CentralMethod>(
  res: ServerResponse,
  method: M,
  outcome: ReplyOutcome<M>,
  skewMs = 0,
): void {
  const env = sealReply(
    { appId: APP, termId: TERM, method, version: '1.0.0', timestamp: Date.now() + skewMs, outcome },
    SECRET,
  );
  send(res, 200, JSON.stringify(env));
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

class Refused extends Error {}

/** Opens the request; if it cannot be authenticated, answers with an unsigned failure (as a real server does). */
function opened(body: string, res?: ServerResponse) {
  const r = openRequest(body, { lookupSecret: (id) => (id === APP ? SECRET : undefined), now: Date.now() });
  if (r.ok) return r.value;
  const head = JSON.parse(body) as object;
  if (res)
    send(
      res,
      200,
      JSON.stringify(
        unsignedFailureReply(head, Date.now(), errCodeForEnvelopeError(r.error.type), r.error.message),
      ),
    );
  throw new Refused(r.error.type);
}

const behaviours: Record<string, Behaviour> = {
  '/ok': (_q, res, body) => {
    const r = opened(body, res);
    requests.push(r.method);
    if (r.method === CENTRAL_METHODS.verify && r.biz.ehealth_code.endsWith(':1')) {
      reply(res, r.method, { ok: false, errCode: CENTRAL_ERR_CODES.cardNotFound, msg: 'no such card' });
      return;
    }
    reply(res, r.method, { ok: true, biz: SAMPLE_BIZ[r.method].reply } as ReplyOutcome<typeof r.method>);
  },
  '/silent': () => undefined,
  '/stall-body': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"app_id":');
  },
  '/garbage': (_q, res) => send(res, 200, '<html>gateway</html>'),
  '/http500': (_q, res) => send(res, 500, 'oops'),
  '/http503-signed-failure': (_q, res, body) => {
    const r = opened(body);
    const env = sealReply(
      {
        appId: APP,
        termId: TERM,
        method: r.method,
        version: '1.0.0',
        timestamp: Date.now(),
        outcome: { ok: false, errCode: CENTRAL_ERR_CODES.internal, msg: 'busy' },
      },
      SECRET,
    );
    send(res, 503, JSON.stringify(env));
  },
  '/tampered': (_q, res, body) => {
    const r = opened(body);
    const env = sealReply(
      {
        appId: APP,
        termId: TERM,
        method: r.method,
        version: '1.0.0',
        timestamp: Date.now(),
        outcome: { ok: false, errCode: 'CODE_USED', msg: 'used' },
      },
      SECRET,
    );
    send(res, 200, JSON.stringify({ ...env, code: '10' }));
  },
  '/unknown-code': (_q, res, body) => {
    const r = opened(body);
    const env = sealReply(
      {
        appId: APP,
        termId: TERM,
        method: r.method,
        version: '1.0.0',
        timestamp: Date.now(),
        outcome: { ok: true, biz: SAMPLE_BIZ[r.method].reply } as ReplyOutcome<typeof r.method>,
      },
      SECRET,
      {
        name: 'other',
        resultCodes: { success: '99', failure: '00' },
        secretSuffix: 'labelled',
        bizEncoding: 'base64',
        charset: 'utf-8',
      },
    );
    send(res, 200, JSON.stringify(env));
  },
  '/stale': (_q, res, body) => {
    const r = opened(body);
    reply(
      res,
      r.method,
      { ok: true, biz: SAMPLE_BIZ[r.method].reply } as ReplyOutcome<typeof r.method>,
      -3_600_000,
    );
  },
  '/other-card': (_q, res, body) => {
    const r = opened(body);
    reply(res, CENTRAL_METHODS.verify, {
      ok: true,
      biz: { ...SAMPLE_BIZ[CENTRAL_METHODS.verify].reply, ehealth_card_id: 'A'.repeat(64) },
    });
    requests.push(r.method);
  },
  '/huge': (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) res.write(chunk);
    res.end();
  },
  '/reset': (req) => req.socket.destroy(),
};

let server: Server;
let base = '';
let refusedUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handler = behaviours[req.url ?? ''] ?? ((_q, r) => send(r, 404, 'not found'));
      try {
        handler(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        refused.push(e.message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was just free: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

function client(path: string, extra: Partial<CentralClientOptions> = {}): CentralClient {
  return new CentralClient({ url: base + path, appId: APP, appSecret: SECRET, termId: TERM, ...extra });
}

describe('CentralClient against a local service', () => {
  it('every method succeeds with the verified biz of its reply', async () => {
    const c = client('/ok');
    const results = await Promise.all([
      c.register(SAMPLE_BIZ[CENTRAL_METHODS.register].request),
      c.generate(SAMPLE_BIZ[CENTRAL_METHODS.generate].request),
      c.verify(SAMPLE_BIZ[CENTRAL_METHODS.verify].request),
      c.query(SAMPLE_BIZ[CENTRAL_METHODS.query].request),
      c.close(SAMPLE_BIZ[CENTRAL_METHODS.close].request),
      c.useCardDate(SAMPLE_BIZ[CENTRAL_METHODS.usecarddate].request),
    ]);
    const methods = Object.values(CENTRAL_METHODS);
    results.forEach((r, i) => {
      expect(r.status).toBe('success');
      if (r.status === 'success') expect(r.biz).toEqual(SAMPLE_BIZ[methods[i]!].reply);
    });
    expect(requests).toEqual(expect.arrayContaining(methods));
  });

  it('health(): nothing known before a call; then whether the latest call was answered, and why not', async () => {
    const ok = client('/ok');
    expect(ok.health()).toEqual({ activeUrl: `${base}/ok`, available: undefined });
    await ok.query(SAMPLE_BIZ[CENTRAL_METHODS.query].request);
    expect(ok.health()).toMatchObject({ available: true, lastAnswerAt: expect.any(Number) });
    const bad = client('/garbage');
    await bad.query(SAMPLE_BIZ[CENTRAL_METHODS.query].request);
    expect(bad.health()).toMatchObject({ available: false, lastUnavailableReason: 'malformed-reply' });
    expect(bad.health().lastAnswerAt).toBeUndefined();
  });

  it('a verified code "00" is a definite failure with its err_code', async () => {
    const r = await client('/ok').verify({
      ...SAMPLE_BIZ[CENTRAL_METHODS.verify].request,
      ehealth_code: '272EB52D0696FD625B6F3E1A830728532779BEB87520CC83948C50A43F439F58:1',
    });
    expect(r).toMatchObject({ status: 'failure', errCode: 'CARD_NOT_FOUND', msg: 'no such card' });
  });

  const verifyBiz = SAMPLE_BIZ[CENTRAL_METHODS.verify].request;
  const cases: [string, string, Partial<CentralClientOptions>][] = [
    ['silent server → timeout', '/silent', { timeoutMs: 150 }],
    ['headers then a stalled body → timeout', '/stall-body', { timeoutMs: 150 }],
    ['HTML instead of an envelope → malformed-reply', '/garbage', {}],
    ['HTTP 500 → http-status', '/http500', {}],
    ['result code changed in transit → unverifiable-reply', '/tampered', {}],
    ['unknown result code → malformed-reply', '/unknown-code', {}],
    ['reply an hour old → unverifiable-reply', '/stale', {}],
    ['verify reply about another card → unverifiable-reply', '/other-card', {}],
    ['2.5 MB reply → reply-too-large', '/huge', {}],
    ['connection reset → connection', '/reset', {}],
    ['wrong secret on our side → unverifiable-reply', '/ok', { appSecret: 'BBBBBBBBBBBBBBBB' }],
  ];
  const expected = [
    'timeout',
    'timeout',
    'malformed-reply',
    'http-status',
    'unverifiable-reply',
    'malformed-reply',
    'unverifiable-reply',
    'unverifiable-reply',
    'reply-too-large',
    'connection',
    'unverifiable-reply',
  ];
  cases.forEach(([name, path, extra], i) => {
    it(`unavailable: ${name}`, async () => {
      const r = await client(path, extra).verify(verifyBiz);
      if (extra.appSecret) expect(refused).toContain('bad-encryption');
      expect(r.status).toBe('unavailable');
      if (r.status === 'unavailable') expect(r.reason).toBe(expected[i]);
      expect(r.elapsedMs).toBeLessThan(1500);
    });
  });

  it('a signed failure with HTTP 503 is still a definite failure', async () => {
    const r = await client('/http503-signed-failure').verify(verifyBiz);
    expect(r).toMatchObject({ status: 'failure', errCode: 'INTERNAL' });
  });

  it('connection refused → connection, quickly', async () => {
    const c = new CentralClient({ url: refusedUrl, appId: APP, appSecret: SECRET, termId: TERM });
    const r = await c.verify(verifyBiz);
    expect(r).toMatchObject({ status: 'unavailable', reason: 'connection' });
    if (r.status === 'unavailable') expect(r.message).toContain('ECONNREFUSED');
  });

  it('the default timeout is 1000 ms, and a caller abort resolves as aborted', async () => {
    const t0 = performance.now();
    const r = await client('/silent').verify(verifyBiz);
    const took = performance.now() - t0;
    expect(r).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(5000); // resolves at its deadline, never hangs (slack for a loaded machine)
    const ac = new AbortController();
    const p = client('/silent').verify(verifyBiz, { signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    expect(await p).toMatchObject({ status: 'unavailable', reason: 'aborted' });
  });

  it('many concurrent calls, mixed good and bad, all resolve; no unhandled rejections', async () => {
    const paths = ['/ok', '/silent', '/garbage', '/reset', '/stall-body', '/huge'];
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client(paths[i % paths.length]!, { timeoutMs: 300 }).verify(verifyBiz),
      ),
    );
    expect(all.filter((r) => r.status === 'success')).toHaveLength(5);
    expect(all.every((r) => ['success', 'unavailable'].includes(r.status))).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });

  it('rejects bad options at construction, and invalid biz as a programming error', async () => {
    const opts = { url: base, appId: APP, appSecret: SECRET, termId: TERM };
    const code = expect.objectContaining({ code: 'CENTRAL_CLIENT_BAD_OPTION' });
    expect(() => new CentralClient({ ...opts, url: 'ftp://x' })).toThrow(code);
    expect(() => new CentralClient({ ...opts, url: 'not a url' })).toThrow(code);
    expect(() => new CentralClient({ ...opts, appSecret: 'short' })).toThrow(code);
    expect(() => new CentralClient({ ...opts, termId: 'a b' })).toThrow(code);
    expect(() => new CentralClient({ ...opts, timeoutMs: 0 })).toThrow(code);
    await expect(client('/ok').verify({ ...verifyBiz, channelcode: 'window' })).rejects.toMatchObject({
      code: 'CENTRAL_BAD_BIZ',
    });
  });
});
