import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type LabSystem, startLab } from '../../lab/start.js';
import { findChromium, launchChromium } from '../support/chromium.js';

/** Found once per test file; undefined means the file's tests skip (never under CI=true). */
export const chromiumPath = findChromium();

export const CONSOLE_TOKEN = 'console-test-token-0123456789';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
export const VIEWPORT = { width: 1024, height: 600 };

export interface ConsoleRig {
  readonly lab: LabSystem;
  readonly apiUrl: string;
  readonly browser: Browser;
  readonly page: Page;
  /** Saves `test-artifacts/console-<name>.png` at 1024×600. */
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** A lab (cipher machine, central, one native terminal `window-1`, an agent with the API) and a page. */
export async function startConsoleRig(executablePath: string): Promise<ConsoleRig> {
  const lab = await startLab({
    terminals: [
      {
        id: 'window-1',
        terminalCode: 'WIN-0001',
        channelCode: '01',
        identity: { vendor: 'LabVendor', model: 'VT-100' },
      },
    ],
    agents: [{ api: { tokens: [CONSOLE_TOKEN] }, dedupeWindowMs: 0 }],
  });
  let browser: Browser | undefined;
  try {
    const apiUrl = lab.agents.get('agent')!.agent.apiUrl!;
    browser = await launchChromium(executablePath);
    const page = await browser.newPage({ viewport: VIEWPORT });
    const b = browser;
    return {
      lab,
      apiUrl,
      browser: b,
      page,
      async screenshot(name) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`) });
      },
      async stop() {
        await b.close();
        await lab.stop();
      },
    };
  } catch (e) {
    await browser?.close();
    await lab.stop();
    throw e;
  }
}
