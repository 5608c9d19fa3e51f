// Finds a system binary a test needs. Missing locally: the test is skipped with one line saying
// how to install it. Missing under CI=true: the test fails, because CI installs it (.ci/run).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface SystemTool {
  /** Absolute path, or undefined when the tool is missing and the test should skip. */
  readonly path: string | undefined;
  /** The one line printed when skipping. */
  readonly skipReason: string;
}

/** True when `p` exists and this process may execute it. */
export const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findTool(name: string, installHint: string, dirs: readonly string[] = []): SystemTool {
  const search = [...dirs, ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of search) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return { path: candidate, skipReason: '' };
    } catch {
      // not here
    }
  }
  const skipReason = `${name} not found; install it with: ${installHint}`;
  if (process.env.CI === 'true') throw new Error(`${skipReason} (required under CI=true)`);
  process.stderr.write(`skip: ${skipReason}\n`);
  return { path: undefined, skipReason };
}
