import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CENTRAL_METHODS, type CentralMethod } from '../../protocol/central/methods.js';
import { type ReplyOutcome, sealReply } from '../../protocol/central/reply.js';
import { openRequest } from '../../protocol/central/request.js';
import { SAMPLE_BIZ } from '../../protocol/central/samples.js';
import { CentralClient } from './client.js';
import type { CentralClientOptions } from './types.js';

const APP = 'A1ADF361-BE0E-4CBB-A5B3-81F4065233B1';
const SECRET = 'AA57EF5F0E9A4168';
const TERM = 'SK0001';
const verifyBiz = SAMPLE_BIZ[CENTRAL_METHODS.verify].request;
const queryBiz = SAMPLE_BIZ[CENTRAL_METHODS.query].request;

/**
 * One instance of the central service on 127.0.0.1: answers every method with its sample reply
 * (`ok`) or reads the whole request and never answers (`hang`). Replies close the connection, so
 * each call opens a new one and a killed instance refuses it.
 */
class Instance {
  mode: 'ok' | 'hang' = 'ok';
  readonly received: CentralMethod[] = [];
  port = 0;
  #server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}/business.do`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const opened = openRequest(Buffer.concat(chunks).toString('utf8'), {
          lookupSecret: (id) => (id === APP ? SECRET : undefined),
          now: Date.now(),
        });
        if (!opened.ok) {
          res.writeHead(400, { connection: 'close' }).end();
          return;
        }
        const method = opened.value.method;
        this.received.push(method);
        if (this.mode === 'hang') return;
        const outcome = { ok: true, biz: SAMPLE_BIZ[method].reply } as ReplyOutcome<typeof method>;
        const env = sealReply(
          { appId: APP, termId: TERM, method, version: '1.0.0', timestamp: Date.now(), outcome },
          SECRET,
        );
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify(env));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and destroys every connection (a crashed instance). */
  async kill(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const started: Instance[] = [];
async function instances(): Promise<[Instance, Instance]> {
  const a = await new Instance().start();
  const b = await new Instance().start();
  started.push(a, b);
  return [a, b];
}

afterEach(async () => {
  for (const i of started.splice(0)) await i.kill();
});

function client(primary: Instance, standby: Instance, extra: Partial<CentralClientOptions> = {}) {
  return new CentralClient({
    url: primary.url,
    standbyUrls: [standby.url],
    appId: APP,
    appSecret: SECRET,
    termId: TERM,
    ...extra,
  });
}

describe('CentralClient with a standby URL', () => {
  it('calls continue on the standby when the primary is killed, then stay there', async () => {
    const [primary, standby] = await instances();
    const c = client(primary, standby);
    expect((await c.verify(verifyBiz)).status).toBe('success');
    expect(primary.received).toEqual([CENTRAL_METHODS.verify]);

    await primary.kill();
    // Refused before anything was sent: even a verify is safe to send to the standby.
    const after = await c.verify(verifyBiz);
    expect(after.status).toBe('success');
    expect(standby.received).toEqual([CENTRAL_METHODS.verify]);
    expect(c.activeUrl).toBe(standby.url);

    const more = await Promise.all([
      c.query(queryBiz),
      c.verify(verifyBiz),
      c.register(SAMPLE_BIZ[CENTRAL_METHODS.register].request),
    ]);
    expect(more.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(standby.received).toHaveLength(4);
    expect(primary.received).toHaveLength(1);
  });

  it('a verify whose request reached an instance that then hung is not retried; a query is', async () => {
    const [primary, standby] = await instances();
    primary.mode = 'hang';
    const c = client(primary, standby, { timeoutMs: 200 });

    const v = await c.verify(verifyBiz);
    expect(v).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect(primary.received).toEqual([CENTRAL_METHODS.verify]);
    expect(standby.received).toEqual([]);
    expect(c.activeUrl).toBe(primary.url);

    // The same failure for an idempotent read: no reply had begun, so the standby answers it.
    const q = await c.query(queryBiz);
    expect(q.status).toBe('success');
    expect(primary.received).toEqual([CENTRAL_METHODS.verify, CENTRAL_METHODS.query]);
    expect(standby.received).toEqual([CENTRAL_METHODS.query]);
    expect(c.activeUrl).toBe(standby.url);
  });

  it('a single URL is never retried', async () => {
    const [primary, other] = await instances();
    await other.kill();
    const c = new CentralClient({ url: other.url, appId: APP, appSecret: SECRET, termId: TERM });
    expect(await c.query(queryBiz)).toMatchObject({ status: 'unavailable', reason: 'connection' });
    expect(primary.received).toEqual([]);
  });

  it('fails back to the primary after it returns, probing at most every failbackMs', async () => {
    const [primary, standby] = await instances();
    let now = Date.now();
    const c = client(primary, standby, { clock: () => now, failbackMs: 5000 });
    const port = primary.port;
    await primary.kill();
    expect((await c.verify(verifyBiz)).status).toBe('success');
    expect(c.activeUrl).toBe(standby.url);

    // Back at once, but no probe before failbackMs since the switch.
    await primary.start(port);
    now += 4999;
    expect((await c.query(queryBiz)).status).toBe('success');
    expect(primary.received).toEqual([]);
    // Due, but a verify is never used as a probe.
    now += 1;
    expect((await c.verify(verifyBiz)).status).toBe('success');
    expect(primary.received).toEqual([]);
    // An idempotent call probes the primary, which answers and becomes active again.
    expect((await c.query(queryBiz)).status).toBe('success');
    expect(primary.received).toEqual([CENTRAL_METHODS.query]);
    expect(c.activeUrl).toBe(primary.url);
    expect((await c.verify(verifyBiz)).status).toBe('success');
    expect(primary.received).toEqual([CENTRAL_METHODS.query, CENTRAL_METHODS.verify]);
    expect(standby.received).toHaveLength(3);
  });

  it('a probe of a primary still down is answered by the standby, which stays active', async () => {
    const [primary, standby] = await instances();
    let now = Date.now();
    const c = client(primary, standby, { clock: () => now, failbackMs: 5000 });
    await primary.kill();
    expect((await c.verify(verifyBiz)).status).toBe('success');
    now += 5000;
    expect((await c.query(queryBiz)).status).toBe('success');
    expect(c.activeUrl).toBe(standby.url);
    expect(standby.received).toEqual([CENTRAL_METHODS.verify, CENTRAL_METHODS.query]);
  });

  it('rejects bad standby options', async () => {
    const [primary, standby] = await instances();
    const code = expect.objectContaining({ code: 'CENTRAL_CLIENT_BAD_OPTION' });
    expect(() => client(primary, standby, { standbyUrls: ['ftp://x'] })).toThrow(code);
    expect(() => client(primary, standby, { standbyUrls: [primary.url] })).toThrow(code);
    expect(() => client(primary, standby, { failbackMs: -1 })).toThrow(code);
  });
});
