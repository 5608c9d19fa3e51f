import { describe, expect, it } from 'vitest';
import { type CpuProfile, summarizeCpuProfile } from './profile.js';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

// root → handle (sim/central) → { sealOutcome (envelope) → native update, JSON.parse, claim (storage) → native get }
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 7] },
    { id: 2, callFrame: frame('handle', 'file:///x/sim/central/dispatcher.ts'), children: [3, 5, 6] },
    { id: 3, callFrame: frame('sealOutcome', 'file:///x/sim/central/envelope.ts'), children: [4] },
    { id: 4, callFrame: frame('update', ''), children: [] },
    { id: 5, callFrame: frame('parse', ''), children: [] },
    { id: 6, callFrame: frame('claimCode', 'file:///x/storage/central/sqlite-store.ts'), children: [8] },
    { id: 7, callFrame: frame('(idle)', ''), children: [] },
    { id: 8, callFrame: frame('get', ''), children: [] },
  ],
  // Sample i lasts timeDeltas[i + 1] µs.
  samples: [4, 4, 5, 8, 2, 7, 7],
  timeDeltas: [0, 1000, 1000, 1000, 2000, 1000, 4000],
};

describe('bench load --profile: where the time goes', () => {
  it('charges each sample to the deepest frame that names a concern, native calls to their caller', () => {
    const s = summarizeCpuProfile(profile);
    expect(s.totalMs).toBe(10);
    // Busy = all but idle: 1 + 1 + 1 + 2 (update, update, parse, get) + 1 (handle) = 6 ms.
    expect(s.busyMs).toBe(6);
    const by = Object.fromEntries(s.concerns.map((c) => [c.name, c.ms]));
    expect(by).toEqual({ envelope: 2, json: 1, sqlite: 2, 'central methods': 1 });
    expect(s.concerns.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 3);
    expect(s.functions[0]).toMatchObject({ name: 'update', ms: 2, concern: 'envelope' });
  });

  it('maps bundled frames to their sources before naming the concern', () => {
    // Every frame of ours moves into one bundle; its line number says which source it came from.
    const bundled: CpuProfile = {
      ...profile,
      nodes: profile.nodes.map((n) =>
        n.callFrame.url.includes('/x/')
          ? { ...n, callFrame: { ...n.callFrame, url: 'file:///d/chunk.js', lineNumber: n.id } }
          : n,
      ),
    };
    const sourceOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame.url]));
    const s = summarizeCpuProfile(bundled, {
      resolve: (url, line) =>
        url === 'file:///d/chunk.js' ? { url: sourceOf.get(line)!, line: 0 } : undefined,
    });
    expect(Object.fromEntries(s.concerns.map((c) => [c.name, c.ms]))).toEqual({
      envelope: 2,
      json: 1,
      sqlite: 2,
      'central methods': 1,
    });
    const unresolved = summarizeCpuProfile(bundled);
    expect(unresolved.concerns.map((c) => c.name)).not.toContain('sqlite');
  });
});
