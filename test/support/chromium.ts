// Finds the system Chromium for the browser tests (playwright-core drives it; it downloads no
// browser). Missing locally: the tests skip with one line saying how to install it. Missing under
// CI=true: they fail, because CI installs it (.ci/run).
import { delimiter, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { executable } from './system-tool.js';

export const CHROMIUM_SKIP = 'Chromium not found; install it with: apt-get install -y chromium';

export interface ChromiumSearch {
  /** Absolute paths tried first (default `/usr/bin/chromium`). */
  readonly paths?: readonly string[];
  /** Names looked up on PATH (default chromium, chromium-browser, google-chrome). */
  readonly names?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The Chromium executable, or undefined (after printing one `skip:` line) when there is none;
 * throws under CI=true instead of skipping.
 */
export function findChromium(search: ChromiumSearch = {}): string | undefined {
  const env = search.env ?? process.env;
  const paths = search.paths ?? ['/usr/bin/chromium'];
  const names = search.names ?? ['chromium', 'chromium-browser', 'google-chrome'];
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const found = [...paths, ...names.flatMap((n) => dirs.map((d) => join(d, n)))].find(executable);
  if (found !== undefined) return found;
  if (env.CI === 'true') throw new Error(`${CHROMIUM_SKIP} (required under CI=true)`);
  process.stderr.write(`skip: ${CHROMIUM_SKIP}\n`);
  return undefined;
}

/** Headless Chromium; `--no-sandbox` because tests may run as root. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
}
