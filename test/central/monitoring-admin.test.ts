import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  type Harness,
  MONITOR_APP,
  nextNo,
  openAny,
  postJson,
  registerCard,
  sealAny,
  startHarness,
  TERMINAL,
  testConfig,
} from './harness.js';

const TOKEN = 'admin-token-0123456789';

describe('card-use data reaches the monitoring interface', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('a usecarddate batch sent twice is stored once and read back once', async () => {
    const ehcId = await registerCard(h, 1);
    const records = ['a', 'b', 'c'].map((k) => ({
      record_id: `rec-${k}`,
      ehealth_card_id: ehcId,
      code_kind: '0',
      medstepcode: '010103',
      channelcode: '02',
      terminalcode: TERMINAL,
      use_time: '20240301100005',
      org_code: '5100A0013',
    }));
    const first = await call(h, 'ehc.ehealthcode.usecarddate', { records });
    h.clock.advance(1); // the outbox re-sends after a lost reply: a new request, same records
    const second = await call(h, 'ehc.ehealthcode.usecarddate', { records });
    for (const r of [first, second]) {
      expect(r).toEqual({ status: 'success', biz: { accepted: ['rec-a', 'rec-b', 'rec-c'], rejected: [] } });
    }
    expect((await h.service.store.counts()).useRecords).toBe(3);

    const page = openAny(
      (
        await postJson(
          h.service.url,
          sealAny('ehc.monitor.usecard.query', { limit: 2 }, h.clock.now(), MONITOR_APP),
        )
      ).json,
      MONITOR_APP,
    );
    expect(page.code).toBe('10');
    const recs = page.biz.records as Record<string, unknown>[];
    expect(recs.map((r) => r.record_id)).toEqual(['rec-a', 'rec-b']);
    expect(recs[0]).toMatchObject({
      ehealth_card_id: ehcId,
      code_kind: '0',
      medstepcode: '010103',
      terminalcode: TERMINAL,
      use_time: '20240301100005',
      org_code: '5100A0013',
      app_id: 'HOSP-0001',
      received_time: '20240301100000',
    });
    h.clock.advance(1);
    const next = openAny(
      (
        await postJson(
          h.service.url,
          sealAny('ehc.monitor.usecard.query', { after_seq: page.biz.next_seq }, h.clock.now(), MONITOR_APP),
        )
      ).json,
      MONITOR_APP,
    );
    expect((next.biz.records as Record<string, unknown>[]).map((r) => r.record_id)).toEqual(['rec-c']);
  });
});

describe('admin routes: backup and restore (spec §5.5-3), terminals', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ehc-central-backup-'));
    h = await startHarness({ config: testConfig({ admin: { token: TOKEN, backupDir: dir } }) });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${h.service.origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('refuses a missing or wrong token', async () => {
    expect((await admin('GET', '/admin/stats', undefined, 'wrong-token-0123456789')).status).toBe(401);
    const res = await fetch(`${h.service.origin}/admin/stats`);
    expect(res.status).toBe(401);
  });

  it('restores the data as it was at the backup', async () => {
    const kept = await registerCard(h, 2);
    const backup = await admin('POST', '/admin/backup', { name: 'before.db' });
    expect(backup).toEqual({ status: 200, json: { name: 'before.db' } });

    const lost = await registerCard(h, 3);
    await call(h, 'ehc.ehealthcard.close', {
      ehealth_card_id: kept,
      revoke_no: nextNo('C'),
      revoke_time: '20240301100000',
    });
    expect((await h.service.store.findCardByEhcId(kept))?.status).toBe('closed');

    const restored = await admin('POST', '/admin/restore', { name: 'before.db' });
    expect(restored.status).toBe(200);
    expect(restored.json.counts).toMatchObject({ cards: 1, closedCards: 0 });
    expect((await h.service.store.findCardByEhcId(kept))?.status).toBe('active');
    expect(await h.service.store.findCardByEhcId(lost)).toBeUndefined();
    expect((await admin('GET', '/admin/backups')).json).toEqual({ names: ['before.db'] });
  });

  it('refuses backup names that are paths, and restoring a missing backup', async () => {
    expect((await admin('POST', '/admin/backup', { name: '../escape.db' })).status).toBe(400);
    expect((await admin('POST', '/admin/restore', { name: 'missing.db' })).json).toMatchObject({
      error: 'CENTRAL_SETUP_RESTORE',
    });
  });

  it('registers a terminal at run time, which can then verify', async () => {
    const ehcId = await registerCard(h, 4);
    const biz = {
      ehealth_code: `${ehcId}:1`,
      medstepcode: '010101',
      terminalcode: 'KIOSK-9',
      channelcode: '02',
    };
    expect(await call(h, 'ehc.ehealthcode.verify', biz)).toMatchObject({ errCode: 'TERMINAL_UNKNOWN' });
    expect(
      (await admin('POST', '/admin/terminals', { terminalCode: 'KIOSK-9', name: 'Kiosk 9' })).status,
    ).toBe(200);
    h.clock.advance(1);
    expect(await call(h, 'ehc.ehealthcode.verify', biz)).toMatchObject({ status: 'success' });
  });
});
