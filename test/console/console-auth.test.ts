import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs } from '../agent-api/support/ws-client.js';
import { CONSOLE_TOKEN, type ConsoleRig, chromiumPath, startConsoleRig } from './support.js';

const BAD = 'not-the-token-0123456789';

describe.skipIf(chromiumPath === undefined)('live console: credentials', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig(chromiumPath!);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('without a token the page shows nothing of the agent', async () => {
    const { page } = rig;
    await page.goto(`${rig.apiUrl}/console`);
    expect(await page.locator('#main').isHidden()).toBe(true);
    expect(await page.locator('#prompt').isVisible()).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain('window-1');
  });

  it('a bad token gets no data: the page shows an auth error, the API answers 401, the WebSocket is refused', async () => {
    const { page } = rig;
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/console/state') || r.url().includes('/scans')) statuses.push(r.status());
    });
    let wsOpened = false;
    page.on('websocket', () => {
      wsOpened = true;
    });
    await page.goto(`${rig.apiUrl}/console#token=${BAD}`);
    const error = page.locator('#error');
    await error.waitFor({ state: 'visible', timeout: 3000 });
    expect(await error.textContent()).toMatch(/refused this token \(HTTP 401\)/);
    expect(await page.locator('#conn').textContent()).toBe('auth error');
    expect(await page.locator('#main').isHidden()).toBe(true);
    expect(await page.locator('body').textContent()).not.toContain('window-1');
    expect(statuses).toEqual([401]);
    expect(wsOpened).toBe(false); // the page never tries the socket with a refused token
    await rig.screenshot('auth-error');

    // The same refusals seen from outside the page.
    const res = await fetch(`${rig.apiUrl}/console/state`, { headers: { authorization: `Bearer ${BAD}` } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('window-1');
    const wsUrl = rig.apiUrl.replace(/^http/, 'ws');
    await expect(connectWs(`${wsUrl}/events?token=${BAD}`)).rejects.toThrow('HTTP 401');
    // …and the good token still opens it.
    const ok = await connectWs(`${wsUrl}/events?token=${CONSOLE_TOKEN}`);
    ok.ws.close();
  });

  it('the browser WebSocket itself is refused with a bad token', async () => {
    const { page } = rig;
    await page.goto(`${rig.apiUrl}/console`);
    const result = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      `${rig.apiUrl.replace(/^http/, 'ws')}/events?token=${BAD}`,
    );
    expect(result).toBe('refused');
  });
});
