/**
 * The configuration file, validated by the agent's own schema (`parseAgentConfig`, EHC_* overrides
 * included): every problem is one `fail` line with its JSON path. Runs first: the other checks
 * need the validated configuration.
 */
import { type AgentConfig, parseAgentConfig } from '../../agent/config/agent-config.js';
import { ConfigError } from '../../agent/config/schema.js';
import type { CheckResult, DoctorEnv } from '../types.js';

export interface ConfigOutcome {
  readonly results: readonly CheckResult[];
  readonly config?: AgentConfig;
}

const FIX = 'see config/README.md (the configuration reference)';

function problemResult(file: string, problem: string): CheckResult {
  const at = problem.indexOf(': ');
  const path = at > 0 ? problem.slice(0, at) : '(root)';
  return {
    id: 'config',
    status: 'fail',
    path,
    detail: `${file}: ${problem}`,
    fix: `edit ${path} in ${file}; ${FIX}`,
  };
}

export async function checkConfig(env: DoctorEnv, file: string | undefined): Promise<ConfigOutcome> {
  if (file === undefined) {
    return {
      results: [
        {
          id: 'config',
          status: 'warn',
          detail: 'no configuration given: keys, peers, clock and storage not checked',
          fix: 'run ehc doctor --config <the agent configuration file>',
        },
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse((await env.fs.readFile(file)).toString('utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail = code
      ? `${file}: cannot read (${code})`
      : `${file}: not valid JSON (${(e as Error).message})`;
    return {
      results: [
        {
          id: 'config',
          status: 'fail',
          path: '(root)',
          detail,
          fix: code ? `check the path and that this user may read ${file}` : `fix the JSON syntax; ${FIX}`,
        },
      ],
    };
  }
  try {
    const config = parseAgentConfig(json, env.vars);
    return { results: [{ id: 'config', status: 'ok', detail: `${file} is valid` }], config };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { results: e.problems.map((p) => problemResult(file, p)) };
  }
}
