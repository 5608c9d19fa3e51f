import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_TOKEN, type ConsoleRig, chromiumPath, startConsoleRig } from './support.js';

describe.skipIf(chromiumPath === undefined)('live console: verdict feed', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig(chromiumPath!);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('a verdict appears within 1 s of the scan, its EHC-ID masked; the full id is nowhere in the DOM', async () => {
    const { page, lab } = rig;
    const app = lab.app!;
    const ehcId = await app.register({
      name: '测试',
      idType: '01',
      idNo: '110101199003074512',
      phone: '13900000000',
    });
    expect(ehcId).toMatch(/^[0-9A-F]{64}$/i);
    const code = await app.code(ehcId);

    // Typed into the token field this time.
    await page.goto(`${rig.apiUrl}/console`);
    await page.fill('#token', CONSOLE_TOKEN);
    await page.click('#auth button');
    await page.locator('#conn.ok').waitFor({ timeout: 3000 }); // the WebSocket is open

    const started = Date.now();
    lab.terminal('window-1').device.link.scan(code);
    const item = page.locator('#feed-list li').first();
    await item.waitFor({ timeout: 1000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('window-1');
    expect(text).toContain('VALID');
    const head = ehcId.slice(0, 8).toUpperCase();
    const tail = ehcId.slice(-4).toUpperCase();
    expect(text.toUpperCase()).toContain(head);
    expect(text.toUpperCase()).toContain(tail);

    // The device's last scan and the stage histograms follow (polled state).
    await page.locator('#device-rows tr[data-device="window-1"] .VALID').waitFor({ timeout: 3000 });
    await page.waitForFunction("document.querySelector('#c-total').textContent.includes('n=1')");
    await rig.screenshot('feed');

    const dom = (await page.content()).toUpperCase();
    expect(dom).not.toContain(ehcId.toUpperCase());
    expect(dom).not.toContain(code.toUpperCase());
    expect(dom).not.toContain(ehcId.slice(8, 60).toUpperCase());
  });
});
