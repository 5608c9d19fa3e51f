import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_CONFIG_SPEC } from './agent-config.js';
import { describeConfig } from './describe.js';

describe('config reference', () => {
  it('config/README.md is generated from the schema and up to date', () => {
    const expected = describeConfig(AGENT_CONFIG_SPEC, 'Agent configuration reference');
    const actual = readFileSync(new URL('../../config/README.md', import.meta.url), 'utf8');
    expect(actual).toBe(expected);
    expect(actual).toContain('`hsm.timeoutMs`');
    expect(actual).toContain('`EHC_HSM_TIMEOUT_MS`');
  });
});
