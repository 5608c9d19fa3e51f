import { afterEach, describe, expect, it } from 'vitest';
import { leakyEvent, maskedEvent, UNMASKED } from './support/fake-runtime.js';
import { errorCode, type Harness, KIOSK_TOKEN, startHarness } from './support/harness.js';
import { connectWs, refusedStatus } from './support/ws-client.js';

describe('local API: kiosk routes over real HTTP', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('binds 127.0.0.1 by default', async () => {
    h = await startHarness();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /health is open by default and answers 503 when the agent is down', async () => {
    h = await startHarness();
    const ok = await h.request('GET', '/health');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual(h.runtime.healthReport);
    h.runtime.healthReport = { status: 'down', checks: { hsm: { ok: false, detail: 'unreachable' } } };
    expect((await h.request('GET', '/health')).status).toBe(503);
  });

  it('GET /health and /metrics can be token-protected or open by configuration', async () => {
    h = await startHarness({ api: { open: { health: false, metrics: true } } });
    expect((await h.request('GET', '/health')).status).toBe(401);
    expect((await h.request('GET', '/health', { token: KIOSK_TOKEN })).status).toBe(200);
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toBe(h.runtime.metrics);
  });

  it('GET /metrics needs the token by default', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(401);
    expect(errorCode(res)).toBe('API_AUTH_REQUIRED');
    expect((await h.request('GET', '/metrics', { token: KIOSK_TOKEN })).text).toContain('ehc_scans_total 3');
  });

  it('refuses missing, wrong, truncated and extended tokens with 401 and a JSON error', async () => {
    h = await startHarness();
    for (const token of [
      undefined,
      'nope',
      KIOSK_TOKEN.slice(0, -1),
      `${KIOSK_TOKEN}x`,
      KIOSK_TOKEN.toUpperCase(),
    ]) {
      const res = await h.request('GET', '/devices', token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'API_AUTH_REQUIRED', message: expect.any(String) } });
    }
  });

  it('accepts bare-string tokens, named by position in the audit log', async () => {
    h = await startHarness({ api: { tokens: ['first-plain-token-000', 'second-plain-token-00'] } });
    expect((await h.request('GET', '/devices', { token: KIOSK_TOKEN })).status).toBe(401);
    const res = await h.request('POST', '/devices/scanner-1/beep', {
      token: 'second-plain-token-00',
      body: { kind: 'good' },
    });
    expect(res.status).toBe(200);
    expect(h.admin.audit.list({ limit: 1 })[0]?.actor).toBe('token:token-2');
  });

  it('GET /devices lists the runtime devices', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/devices', { token: KIOSK_TOKEN });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ devices: h.runtime.deviceList });
  });

  it('GET /scans returns recent scans, limited, newest first, masked even when the runtime leaks', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) h.runtime.emit(i % 2 === 0 ? leakyEvent(i) : maskedEvent(i));
    const res = await h.request('GET', '/scans?limit=3', { token: KIOSK_TOKEN });
    expect(res.status).toBe(200);
    const scans = (res.json as { scans: { id: string }[] }).scans;
    expect(scans.map((s) => s.id)).toEqual(['rec-4', 'rec-3', 'rec-2']);
    for (const secret of Object.values(UNMASKED)) expect(res.text).not.toContain(secret);
    expect(res.text).toContain('6836D27C');
    expect((await h.request('GET', '/scans?limit=0', { token: KIOSK_TOKEN })).status).toBe(400);
    expect(errorCode(await h.request('GET', '/scans?limit=100000', { token: KIOSK_TOKEN }))).toBe(
      'API_BAD_REQUEST',
    );
  });

  it('POST /devices/:id/trigger and /beep reach the runtime and are audited', async () => {
    h = await startHarness();
    const t = await h.request('POST', '/devices/scanner-1/trigger', {
      token: KIOSK_TOKEN,
      body: { on: true },
    });
    expect(t.status).toBe(200);
    expect(t.json).toEqual({ deviceId: 'scanner-1', on: true });
    const b = await h.request('POST', '/devices/scanner-1/beep', {
      token: KIOSK_TOKEN,
      body: { kind: 'bad' },
    });
    expect(b.status).toBe(200);
    expect(h.runtime.commands).toEqual(['trigger scanner-1 true', 'beep scanner-1 bad']);
    const rows = h.admin.audit.list({ limit: 2 });
    expect(rows.map((r) => [r.action, r.actor, r.target, r.outcome])).toEqual([
      ['device.beep', 'token:kiosk-1', 'scanner-1', 'ok'],
      ['device.trigger', 'token:kiosk-1', 'scanner-1', 'ok'],
    ]);
    expect(rows[0]?.remote).toMatch(/127\.0\.0\.1$/);
  });

  it('device commands: bad body 400, unknown device 404, device failure 502 — no stack, audited', async () => {
    h = await startHarness();
    const bad = await h.request('POST', '/devices/scanner-1/trigger', {
      token: KIOSK_TOKEN,
      body: { on: 'yes' },
    });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'API_BAD_REQUEST']);
    const kind = await h.request('POST', '/devices/scanner-1/beep', {
      token: KIOSK_TOKEN,
      body: { kind: 'loud' },
    });
    expect(kind.status).toBe(400);
    const missing = await h.request('POST', '/devices/nope/beep', {
      token: KIOSK_TOKEN,
      body: { kind: 'good' },
    });
    expect([missing.status, errorCode(missing)]).toEqual([404, 'API_DEVICE_NOT_FOUND']);
    h.runtime.failCommands = true;
    const failed = await h.request('POST', '/devices/scanner-1/beep', {
      token: KIOSK_TOKEN,
      body: { kind: 'good' },
    });
    expect([failed.status, errorCode(failed)]).toEqual([502, 'API_DEVICE_COMMAND_FAILED']);
    expect(failed.text).not.toMatch(/at .*\.ts|stack/);
    const [last, prev] = h.admin.audit.list({ limit: 2 });
    expect([last?.outcome, last?.code, prev?.outcome, prev?.code]).toEqual([
      'error',
      'DEVICE_TIMEOUT',
      'denied',
      'API_DEVICE_NOT_FOUND',
    ]);
    expect(h.runtime.commands).toEqual([]);
  });

  it('bodies must be JSON; broken JSON is a 400 that does not echo the body', async () => {
    h = await startHarness();
    const text = await fetch(`${h.url}/devices/scanner-1/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KIOSK_TOKEN}`, 'content-type': 'text/plain' },
      body: '{"on":true}',
    });
    expect(text.status).toBe(415);
    const broken = await fetch(`${h.url}/devices/scanner-1/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KIOSK_TOKEN}`, 'content-type': 'application/json' },
      body: '{"on": 11010020171225006X',
    });
    const body = await broken.text();
    expect(broken.status).toBe(400);
    expect(body).not.toContain('11010020171225006X');
    expect(JSON.parse(body)).toEqual({ error: { code: 'API_BAD_REQUEST', message: expect.any(String) } });
  });

  it('unknown routes answer a JSON 404', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/nope');
    expect([res.status, errorCode(res)]).toEqual([404, 'API_NOT_FOUND']);
  });

  it('runtime exceptions become a bare 500 without the message or stack', async () => {
    h = await startHarness();
    h.runtime.health = async () => {
      throw new Error('secret 11010020171225006X');
    };
    const res = await h.request('GET', '/health');
    expect(res.json).toEqual({ error: { code: 'API_INTERNAL', message: 'internal error' } });
  });
});

describe('local API: WS /events', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('pushes each verdict as one masked JSON message, in order', async () => {
    h = await startHarness();
    const wsUrl = `${h.url.replace('http', 'ws')}/events`;
    const session = await connectWs(wsUrl, { headers: { authorization: `Bearer ${KIOSK_TOKEN}` } });
    await h.runtime.subscribers(1);
    h.runtime.emit(leakyEvent(1));
    h.runtime.emit(maskedEvent(2));
    const first = (await session.next()) as { type: string; event: { id: string; verdict: unknown } };
    const second = (await session.next()) as { type: string; event: { id: string } };
    expect(first.type).toBe('verdict');
    expect(first.event.id).toBe('rec-1');
    expect(first.event.verdict).toEqual({
      verdict: 'VALID',
      by: 'hsm',
      holder: { name: '张**', idNo: '110***********006X', phone: '138****5678' },
    });
    expect(JSON.stringify(first)).not.toContain(UNMASKED.id);
    expect(second.event.id).toBe('rec-2');
    session.ws.close();
    await session.closed;
  });

  it('accepts ?token= for browser clients and unsubscribes on close', async () => {
    h = await startHarness();
    const session = await connectWs(`${h.url.replace('http', 'ws')}/events?token=${KIOSK_TOKEN}`);
    await h.runtime.subscribers(1);
    expect(h.runtime.listenerCount).toBe(1);
    session.ws.close();
    await session.closed;
    await h.runtime.subscribers(0);
    expect(h.runtime.listenerCount).toBe(0);
  });

  it('refuses the upgrade with 401 without a valid token', async () => {
    h = await startHarness();
    const wsUrl = `${h.url.replace('http', 'ws')}/events`;
    expect(await refusedStatus(wsUrl)).toBe(401);
    expect(await refusedStatus(wsUrl, { authorization: 'Bearer wrong-token-0000000000' })).toBe(401);
    expect(h.runtime.listenerCount).toBe(0);
  });

  it('close() disconnects WebSocket clients', async () => {
    h = await startHarness();
    const session = await connectWs(`${h.url.replace('http', 'ws')}/events?token=${KIOSK_TOKEN}`);
    await h.runtime.subscribers(1);
    await h.api.close();
    expect(await session.closed).toBeGreaterThan(0);
    await h.runtime.subscribers(0);
  });
});
