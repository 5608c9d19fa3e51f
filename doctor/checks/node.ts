// Node version: 20 (the LTS the project is built and measured on) or 22+; odd majors are not LTS.
import type { Check, CheckResult } from '../types.js';

export function nodeVersionResult(version: string): CheckResult {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? Number.NaN);
  if (!Number.isFinite(major)) {
    return {
      id: 'node',
      status: 'fail',
      detail: `unrecognised Node version ${version}`,
      fix: 'install Node 20 LTS',
    };
  }
  if (major < 20) {
    return {
      id: 'node',
      status: 'fail',
      detail: `${version} is too old (needs 20 or 22+)`,
      fix: 'install Node 20 LTS (e.g. from nodesource or nvm), then run npm ci again',
    };
  }
  if (major % 2 === 1) {
    return {
      id: 'node',
      status: 'warn',
      detail: `${version} is not an LTS release`,
      fix: 'use Node 20 or 22 (native modules ship prebuilt binaries for LTS releases)',
    };
  }
  return { id: 'node', status: 'ok', detail: version };
}

export const nodeCheck: Check = {
  id: 'node',
  run: async ({ env }) => [nodeVersionResult(env.nodeVersion)],
};
