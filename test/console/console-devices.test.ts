import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_TOKEN, type ConsoleRig, chromiumPath, startConsoleRig } from './support.js';

describe.skipIf(chromiumPath === undefined)('live console: devices', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig(chromiumPath!);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('shows a plugged-in virtual terminal with vendor, identity and state, drops it when unplugged, shows it again when replugged', async () => {
    const { page } = rig;
    await page.goto(`${rig.apiUrl}/console#token=${CONSOLE_TOKEN}`);
    // The token leaves the address bar at once (it was never sent: a fragment stays in the browser).
    await page.waitForFunction("location.hash === ''");
    const row = page.locator('#device-rows tr[data-device="window-1"]');
    await row.waitFor({ timeout: 3000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('LabVendor VT-100');
    expect(text).toContain('VT-window-1'); // the terminal's serial
    expect(text).toContain('no scan yet');
    expect(await page.locator('#cm').textContent()).toBe('up');
    expect(await page.locator('#certify').textContent()).toBe('none');
    await rig.screenshot('devices');

    rig.lab.terminal('window-1').device.link.unplug();
    await row.waitFor({ state: 'detached', timeout: 3000 });
    expect(await page.locator('#unplugged').textContent()).toBe('not connected: window-1');
    await rig.screenshot('unplugged');

    rig.lab.terminal('window-1').device.link.replug();
    await row.waitFor({ timeout: 5000 });
    expect(await page.locator('#unplugged').textContent()).toBe('');
  });
});
