// §5.1 account protection: 5 consecutive failed logins lock the account for 15 minutes, and
// neither the count nor the lock is forgotten when the agent restarts (both live in the
// accounts database, not in memory). Over real HTTP, with a real database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INITIAL_ADMIN_PASSWORD, startApi } from './support/api.js';
import { rawRequest } from './support/http.js';

const dir = mkdtempSync(join(tmpdir(), 'ehc-lockout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function login(url: string, password: string): Promise<{ status: number; code: string | undefined }> {
  const res = await rawRequest(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  });
  return { status: res.status, code: JSON.parse(res.text).error?.code };
}

/** Runs `fn` against an agent API started on `file`, then stops it (a restart between calls). */
async function withAgent<T>(file: string, fn: (url: string) => Promise<T>): Promise<T> {
  const s = await startApi({}, file);
  try {
    return await fn(s.url);
  } finally {
    await s.close();
  }
}

describe('admin lockout across restarts', () => {
  it('a lock taken before a restart still refuses the right password after it', async () => {
    const file = join(dir, 'locked.db');
    await withAgent(file, async (url) => {
      for (let i = 0; i < 5; i++) expect((await login(url, 'Wrong-Pass-1')).status).toBe(401);
      expect(await login(url, INITIAL_ADMIN_PASSWORD)).toEqual({ status: 423, code: 'ADMIN_ACCOUNT_LOCKED' });
    });
    await withAgent(file, async (url) => {
      expect(await login(url, INITIAL_ADMIN_PASSWORD)).toEqual({ status: 423, code: 'ADMIN_ACCOUNT_LOCKED' });
    });
  });

  it('failures counted before a restart add up with those after it', async () => {
    const file = join(dir, 'counted.db');
    await withAgent(file, async (url) => {
      for (let i = 0; i < 3; i++) expect((await login(url, 'Wrong-Pass-1')).status).toBe(401);
    });
    await withAgent(file, async (url) => {
      for (let i = 0; i < 2; i++) expect((await login(url, 'Wrong-Pass-1')).status).toBe(401);
      expect(await login(url, INITIAL_ADMIN_PASSWORD)).toEqual({ status: 423, code: 'ADMIN_ACCOUNT_LOCKED' });
    });
  });

  it('a fresh agent with no failures lets the right password in (the test can tell)', async () => {
    await withAgent(join(dir, 'fresh.db'), async (url) => {
      expect((await login(url, INITIAL_ADMIN_PASSWORD)).status).toBe(200);
    });
  });
});
