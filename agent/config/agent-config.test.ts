import { describe, expect, it } from 'vitest';
import example from '../../config/agent.example.json' with { type: 'json' };
import { parseAgentConfig, publicAgentConfig } from './agent-config.js';
import { ConfigError, envName } from './schema.js';

const minimal = { hsm: { primary: '127.0.0.1:1818' } };

function problems(input: unknown, env = {}): readonly string[] {
  try {
    parseAgentConfig(input, env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('agent config', () => {
  it('fills defaults', () => {
    const c = parseAgentConfig(minimal);
    expect(c.verify).toEqual({
      mode: 'hsm',
      lifetimeS: 60,
      skewS: 5,
      timeZone: 'Asia/Shanghai',
      staticLookup: false,
      dedupeWindowMs: 2000,
    });
    expect(c.hsm?.timeoutMs).toBe(200);
    expect(c.api.host).toBe('127.0.0.1');
  });

  it('the documented example is valid', () => {
    expect(() => parseAgentConfig(example)).not.toThrow();
  });

  it('names every bad field', () => {
    const p = problems({
      hsm: { primary: 'nohost', timeoutMs: 0 },
      verify: { mode: 'magic' },
      scanners: [{ id: 'a', port: '/dev/x', driver: 'bogus' }, { port: 3 }],
      extra: 1,
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hsm\.primary: must match/),
        expect.stringMatching(/^hsm\.timeoutMs: must be an integer from 10/),
        expect.stringMatching(/^verify\.mode: must be one of/),
        expect.stringMatching(/^scanners\[0\]\.driver: must be one of/),
        expect.stringMatching(/^scanners\[1\]\.id: required/),
        expect.stringMatching(/^scanners\[1\]\.port: must be a string/),
        expect.stringMatching(/^extra: unknown field/),
      ]),
    );
  });

  it('requires the peers the verify mode needs', () => {
    expect(problems({})).toContain('hsm: required when verify.mode is hsm or chain');
    expect(problems({ verify: { mode: 'chain' }, ...minimal })).toContain(
      'central: required when verify.mode is central or chain',
    );
  });

  it('takes overrides from the environment', () => {
    expect(envName(['hsm', 'timeoutMs'])).toBe('EHC_HSM_TIMEOUT_MS');
    const c = parseAgentConfig(minimal, {
      EHC_HSM_TIMEOUT_MS: '350',
      EHC_API_TOKENS: 'a, b',
      EHC_VERIFY_STATIC_LOOKUP: 'true',
    });
    expect(c.hsm?.timeoutMs).toBe(350);
    expect(c.api.tokens).toEqual(['a', 'b']);
    expect(c.verify.staticLookup).toBe(true);
    expect(problems(minimal, { EHC_HSM_TIMEOUT_MS: 'soon' })).toEqual(
      expect.arrayContaining([expect.stringContaining('EHC_HSM_TIMEOUT_MS (hsm.timeoutMs)')]),
    );
  });

  it('takes ordered standby URLs for the central service, each checked', () => {
    const central = { url: 'https://a.example/b.do', appId: 'x', appSecret: '0123456789abcdef' };
    const base = { ...minimal, verify: { mode: 'chain' } };
    expect(parseAgentConfig({ ...base, central }).central?.standbyUrls).toBeUndefined();
    const c = parseAgentConfig({
      ...base,
      central: { ...central, standbyUrls: ['https://b.example/b.do', 'https://c.example/b.do'] },
    });
    expect(c.central?.standbyUrls).toEqual(['https://b.example/b.do', 'https://c.example/b.do']);
    expect(problems({ ...base, central: { ...central, standbyUrls: ['https://b.example', 'b:1'] } })).toEqual(
      [expect.stringMatching(/^central\.standbyUrls\[1\]: must match/)],
    );
    expect(problems({ ...base, central: { ...central, standbyUrls: 'https://b.example' } })).toEqual([
      'central.standbyUrls: must be an array of strings',
    ]);
  });

  it('redacts secrets', () => {
    const c = parseAgentConfig({
      ...minimal,
      verify: { mode: 'chain' },
      central: { url: 'http://127.0.0.1:1', appId: 'x', appSecret: '0123456789abcdef' },
      api: { tokens: ['t0k3n'] },
    });
    const pub = JSON.stringify(publicAgentConfig(c));
    expect(pub).not.toContain('0123456789abcdef');
    expect(pub).not.toContain('t0k3n');
  });
});
