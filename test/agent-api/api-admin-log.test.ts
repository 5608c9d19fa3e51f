import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentLogger, logLevelControl } from '../../agent/log/logger.js';
import { errorCode, type Harness, startHarness } from './support/harness.js';

describe('local API: GET/PUT /admin/log-level', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('an admin turns debug logging on and off without a restart; each change is audited', async () => {
    const lines: string[] = [];
    const logger = createAgentLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    h = await startHarness({ api: { logLevel: logLevelControl(logger) } });
    const token = await h.adminToken();
    expect((await h.request('GET', '/admin/log-level', { token })).json).toEqual({ level: 'info' });
    logger.debug('before');
    const put = await h.request('PUT', '/admin/log-level', { token, body: { level: 'debug' } });
    expect(put.json).toEqual({ level: 'debug' });
    logger.debug('after');
    expect(lines.join('')).not.toContain('"before"');
    expect(lines.join('')).toContain('"after"');
    const bad = await h.request('PUT', '/admin/log-level', { token, body: { level: 'loud' } });
    expect(bad.status).toBe(400);
    expect(logger.level).toBe('debug');
    const rows = h.admin.audit.list({ action: 'config.change' });
    expect(rows.map((r) => r.detail)).toEqual([{ logLevel: { from: 'info', to: 'debug' } }]);
  });

  it('needs a session: the kiosk token alone cannot change it', async () => {
    const logger = createAgentLogger({
      level: 'info',
      destination: new Writable({ write: (_c, _e, d) => d() }),
    });
    h = await startHarness({ api: { logLevel: logLevelControl(logger) } });
    const r = await h.request('PUT', '/admin/log-level', { body: { level: 'trace' } });
    expect(r.status).toBeGreaterThanOrEqual(401);
    expect(errorCode(r)).toMatch(/^API_/);
    expect(logger.level).toBe('info');
  });
});
