// Local API: no data without a credential (every route, the WebSocket, /console/state), and no
// web page in the kiosk browser can drive it (Origin, Sec-Fetch-Site, Host / DNS rebinding).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakyEvent } from '../agent-api/support/fake-runtime.js';
import { connectWs, refusedStatus } from '../agent-api/support/ws-client.js';
import { INITIAL_ADMIN_PASSWORD, KIOSK_TOKEN, type SecurityApi, startApi } from './support/api.js';
import { rawRequest } from './support/http.js';

/** Routes that answer without a credential by design (no agent data; login checks a password). */
const OPEN = new Set(['GET /health', 'HEAD /health', 'GET /console', 'HEAD /console', 'POST /admin/login']);
const EVIL = 'http://evil.example';
const bearer = { authorization: `Bearer ${KIOSK_TOKEN}` };

let s: SecurityApi;
let ws = '';
beforeAll(async () => {
  s = await startApi();
  s.runtime.emit(leakyEvent(1));
  ws = `${s.url.replace('http', 'ws')}/events`;
});
afterAll(async () => {
  await s.close();
});

const concrete = (url: string): string => url.replace(':id', 'scanner-1').replace(':name', 'admin');

describe('no data without a credential', () => {
  it('every HTTP route but the open ones answers 401 to no token and to a wrong one, with no data', async () => {
    const guarded = s.routes.filter(
      (r) => !OPEN.has(r) && !r.startsWith('GET /events') && !r.startsWith('HEAD /events'),
    );
    expect(guarded.length).toBeGreaterThanOrEqual(20);
    for (const route of guarded) {
      const [method, url] = route.split(' ') as [string, string];
      const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
      const headers = body === undefined ? {} : { 'content-type': 'application/json' };
      for (const extra of [
        {},
        { authorization: 'Bearer wrong-token-0123456789' },
        { cookie: 'ehc_session=ehcs_forged' },
      ]) {
        const res = await rawRequest(s.url + concrete(url), {
          method,
          headers: { ...headers, ...extra },
          body,
        });
        expect(res.status, `${route} ${JSON.stringify(extra)}`).toBe(401);
        expect(res.text).not.toMatch(/scanner-1|ehc_scans_total|6836D27C|kiosk-1/);
      }
    }
  });

  it('GET /console/state needs the token, and gives the snapshot with it', async () => {
    expect((await rawRequest(`${s.url}/console/state`)).status).toBe(401);
    expect((await rawRequest(`${s.url}/console/state?token=${KIOSK_TOKEN}`)).status).toBe(401);
    const ok = await rawRequest(`${s.url}/console/state`, { headers: bearer });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('scanner-1');
  });

  it('WS /events refuses the upgrade without a token or with a wrong one', async () => {
    expect(await refusedStatus(ws)).toBe(401);
    expect(await refusedStatus(`${ws}?token=wrong-token-0123456789`)).toBe(401);
    expect(await refusedStatus(ws, { authorization: 'Bearer wrong-token-0123456789' })).toBe(401);
    const open = await connectWs(`${ws}?token=${KIOSK_TOKEN}`);
    open.ws.close();
  });
});

describe('a web page cannot drive the API', () => {
  it('refuses a cross-origin request even with a valid token, and a login from another origin', async () => {
    for (const origin of [EVIL, 'null', s.url.replace(/:\d+$/, ':8080'), s.url.replace('http:', 'https:')]) {
      const res = await rawRequest(`${s.url}/scans`, { headers: { ...bearer, origin } });
      expect(res.status, origin).toBe(403);
      expect(JSON.parse(res.text).error.code).toBe('API_ORIGIN_REFUSED');
      expect(res.text).not.toContain('scanner-1');
    }
    const unknown = await rawRequest(`${s.url}/no-such-route`, { headers: { origin: EVIL } });
    expect(unknown.status).toBe(403);
    const login = await rawRequest(`${s.url}/admin/login`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: INITIAL_ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  it("serves the agent's own origin", async () => {
    const res = await rawRequest(`${s.url}/scans`, { headers: { ...bearer, origin: s.url } });
    expect(res.status).toBe(200);
  });

  it('refuses a cross-site request that sends no Origin (Sec-Fetch-Site), e.g. an <img> or a form', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const res = await rawRequest(`${s.url}/scans`, { headers: { ...bearer, 'sec-fetch-site': site } });
      expect(res.status, site).toBe(403);
    }
    expect(
      (await rawRequest(`${s.url}/scans`, { headers: { ...bearer, 'sec-fetch-site': 'same-origin' } }))
        .status,
    ).toBe(200);
  });

  it('refuses a Host header naming a rebound DNS name (DNS rebinding)', async () => {
    const res = await rawRequest(`${s.url}/health`, {
      headers: { host: `evil.example:${new URL(s.url).port}` },
    });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.text).error.code).toBe('API_HOST_REFUSED');
    expect(
      (await rawRequest(`${s.url}/health`, { headers: { host: `localhost:${new URL(s.url).port}` } })).status,
    ).toBe(200);
  });

  it('refuses a cross-origin WebSocket upgrade that carries a valid token', async () => {
    expect(await refusedStatus(`${ws}?token=${KIOSK_TOKEN}`, { origin: EVIL })).toBe(403);
    const same = await connectWs(`${ws}?token=${KIOSK_TOKEN}`, { headers: { origin: s.url } });
    same.ws.close();
  });

  it('answers a CORS preflight with no Access-Control-Allow-* header, and never sends one', async () => {
    const pre = await rawRequest(`${s.url}/admin/login`, {
      method: 'OPTIONS',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBeGreaterThanOrEqual(400);
    for (const path of ['/health', '/console', '/scans', '/nope']) {
      const res = await rawRequest(s.url + path, { headers: { ...bearer, origin: s.url } });
      const cors = Object.keys(res.headers).filter((k) => k.startsWith('access-control-'));
      expect(cors, path).toEqual([]);
    }
    expect(Object.keys(pre.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });
});

describe('allowedOrigins', () => {
  it('lets a listed origin in, and nothing else', async () => {
    const t = await startApi({ allowedOrigins: ['http://kiosk-app.local:3000'] });
    try {
      const listed = await rawRequest(`${t.url}/scans`, {
        headers: { ...bearer, origin: 'http://kiosk-app.local:3000' },
      });
      expect(listed.status).toBe(200);
      expect(listed.headers['access-control-allow-origin']).toBeUndefined();
      expect((await rawRequest(`${t.url}/scans`, { headers: { ...bearer, origin: EVIL } })).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});
