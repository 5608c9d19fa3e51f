/**
 * The system Chromium for `ehc rig run --reader virtual` (playwright-core drives it; it downloads
 * no browser). Missing: a typed error naming the package to install.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { EhcError } from '../../protocol/errors.js';

export const NO_CHROMIUM = 'Chromium not found; install it with: apt-get install -y chromium';

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `explicit` (a path given by the user), else /usr/bin/chromium, else chromium / chromium-browser / google-chrome on PATH. */
export function chromiumPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) {
    if (executable(explicit)) return explicit;
    throw new EhcError('RIG_NO_CHROMIUM', `${explicit} is not an executable; ${NO_CHROMIUM}`);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const names = ['chromium', 'chromium-browser', 'google-chrome'];
  const found = ['/usr/bin/chromium', ...names.flatMap((n) => dirs.map((d) => join(d, n)))].find(executable);
  if (found === undefined) throw new EhcError('RIG_NO_CHROMIUM', NO_CHROMIUM);
  return found;
}

/** Headless Chromium; `--no-sandbox` because the rig may run as root. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
  } catch (e) {
    throw new EhcError('RIG_CHROMIUM_LAUNCH', `cannot start ${executablePath}`, { cause: e });
  }
}
