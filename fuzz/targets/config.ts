/**
 * The agent configuration loader: the example configuration with a value replaced, removed or
 * retyped at any path, arbitrary JSON, and environment overrides with arbitrary text. Every
 * refusal is a `ConfigError` (typed, listing each problem); a valid configuration round-trips
 * through JSON unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { expectEqual, type FuzzTarget } from '../target.js';

const EXAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'config', 'agent.example.json'), 'utf8'),
) as Record<string, unknown>;

function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
}
const PATHS = paths(EXAMPLE).filter((p) => p.length > 0);

type Input = {
  readonly path: string[];
  readonly edit: 'set' | 'drop';
  readonly value: unknown;
  readonly env: Record<string, string>;
  readonly whole?: unknown;
};

function apply(input: Input): unknown {
  if (input.whole !== undefined) return input.whole;
  const root = structuredClone(EXAMPLE);
  let at: Record<string, unknown> = root;
  for (const k of input.path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = input.path.at(-1)!;
  if (input.edit === 'drop') delete at[last];
  else at[last] = input.value;
  return root;
}

const ENV_KEYS = [
  'EHC_VERIFY_MODE',
  'EHC_HSM_TIMEOUT_MS',
  'EHC_API_PORT',
  'EHC_LOG_LEVEL',
  'EHC_CENTRAL_URL',
];

export const agentConfig: FuzzTarget<Input> = {
  name: 'agent-config',
  what: 'agent configuration (JSON + environment overrides)',
  input: fc.record({
    path: fc.constantFrom(...PATHS),
    edit: fc.constantFrom('set' as const, 'drop' as const),
    value: fc.jsonValue({ maxDepth: 2 }),
    env: fc.dictionary(fc.constantFrom(...ENV_KEYS), fc.string({ unit: 'binary', maxLength: 12 }), {
      maxKeys: 2,
    }),
    whole: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    ),
  }),
  run(input) {
    // A refusal is a thrown ConfigError; the runner counts it by its code.
    const config = parseAgentConfig(apply(input), input.env);
    expectEqual('config through JSON', parseAgentConfig(JSON.parse(JSON.stringify(config))), config);
    return 'ok';
  },
};
