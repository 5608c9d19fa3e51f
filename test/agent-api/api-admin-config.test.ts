import { afterEach, describe, expect, it } from 'vitest';
import { EhcError } from '../../protocol/errors.js';
import { errorCode, type Harness, startHarness } from './support/harness.js';

describe('local API: GET/PUT /admin/config', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('GET/PUT /admin/config go through the config store and are audited', async () => {
    let stored: Record<string, unknown> = { scanner: { beep: true }, secretsRemoved: true };
    const configStore = {
      get: () => stored,
      put: async (next: Readonly<Record<string, unknown>>) => {
        if (typeof next.scanner !== 'object')
          throw new EhcError('CONFIG_INVALID', 'scanner: must be an object');
        stored = { ...next };
        return stored;
      },
    };
    h = await startHarness({ api: { configStore } });
    const token = await h.adminToken();
    expect((await h.request('GET', '/admin/config', { token })).json).toEqual({ config: stored });
    const ok = await h.request('PUT', '/admin/config', {
      token,
      body: { config: { scanner: { beep: false } } },
    });
    expect(ok.json).toEqual({ config: { scanner: { beep: false } } });
    const bad = await h.request('PUT', '/admin/config', { token, body: { config: { scanner: 3 } } });
    expect([bad.status, errorCode(bad)]).toEqual([400, 'API_CONFIG_INVALID']);
    expect((bad.json as { error: { message: string } }).error.message).toBe('scanner: must be an object');
    const rows = h.admin.audit.list({ action: 'config.change' });
    expect(rows.map((r) => [r.outcome, r.code ?? null, r.detail])).toEqual([
      ['denied', 'CONFIG_INVALID', { keys: ['scanner'] }],
      ['ok', null, { keys: ['scanner'] }],
    ]);
  });

  it('without a config store, GET shows the runtime config and PUT is 405', async () => {
    h = await startHarness();
    const token = await h.adminToken();
    expect((await h.request('GET', '/admin/config', { token })).json).toEqual({ config: h.runtime.config });
    const put = await h.request('PUT', '/admin/config', { token, body: { config: {} } });
    expect([put.status, errorCode(put)]).toEqual([405, 'API_CONFIG_READ_ONLY']);
  });
});
