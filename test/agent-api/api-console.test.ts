import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../agent/types.js';
import { leakyEvent, UNMASKED } from './support/fake-runtime.js';
import { errorCode, type Harness, KIOSK_TOKEN, startHarness } from './support/harness.js';

describe('local API: the live console routes', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('GET /console is a self-contained page with no data, a strict CSP and no caching', async () => {
    h = await startHarness();
    h.runtime.emit(leakyEvent(1));
    const res = await h.request('GET', '/console');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Nothing fetched from elsewhere, nothing of the agent's state in the page itself.
    expect(res.text).not.toMatch(/(src|href)=["']?https?:/);
    expect(res.text).not.toContain('scanner-1');
    expect(res.text).not.toContain(UNMASKED.id.slice(0, 8));
  });

  it('GET /console/state refuses a missing or wrong token with 401', async () => {
    h = await startHarness();
    for (const token of [undefined, 'wrong-token-0123456789']) {
      const res = await h.request('GET', '/console/state', token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(errorCode(res)).toBe('API_AUTH_REQUIRED');
    }
    // No ?token= here: only the WebSocket takes one in the URL.
    const q = await h.request('GET', `/console/state?token=${KIOSK_TOKEN}`);
    expect(q.status).toBe(401);
  });

  it('GET /console/state answers the aggregates with every EHC-ID masked again', async () => {
    h = await startHarness();
    h.runtime.emit(leakyEvent(1));
    const res = await h.request('GET', '/console/state', { token: KIOSK_TOKEN });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(UNMASKED.id);
    const s = res.json as ConsoleSnapshot;
    expect(s.devices).toHaveLength(1);
    expect(s.devices[0]).toMatchObject({ id: 'scanner-1', connected: true, lastScan: { verdict: 'VALID' } });
    expect(s.devices[0]!.lastScan!.ehcIdMasked).toBe(
      `${UNMASKED.id.slice(0, 8)}${'*'.repeat(52)}${UNMASKED.id.slice(-4)}`,
    );
    expect(s.stages.verify).toEqual([1.5, 2.5]);
    expect(s.outbox).toEqual({
      pending: 1,
      parked: 0,
      delivered: 4,
      lastDeliveryAt: '2025-01-01T08:59:00.000Z',
    });
    expect(s.cipherMachine?.active).toBe('127.0.0.1:1818');
    expect(s.certify).toBeNull();
  });

  it('a logged-in operator session may read the state too (same rules as the kiosk routes)', async () => {
    h = await startHarness();
    const admin = await h.adminToken();
    const res = await h.request('GET', '/console/state', { token: admin });
    expect(res.status).toBe(200);
  });
});
