import { describe, expect, it } from 'vitest';
import { AgentMetrics, RECENT_STAGE_SAMPLES } from './agent-metrics.js';

describe('AgentMetrics.recentStages', () => {
  it('keeps the latest samples of each stage, oldest first, at most RECENT_STAGE_SAMPLES', () => {
    const m = new AgentMetrics();
    expect(m.recentStages().total).toEqual([]);
    m.observeStage('verify', 1);
    m.observeStage('verify', 2);
    expect(m.recentStages().verify).toEqual([1, 2]);
    for (let i = 0; i < RECENT_STAGE_SAMPLES + 5; i++) m.observeStage('total', i);
    const total = m.recentStages().total;
    expect(total).toHaveLength(RECENT_STAGE_SAMPLES);
    expect(total[0]).toBe(5);
    expect(total.at(-1)).toBe(RECENT_STAGE_SAMPLES + 4);
    expect(m.recentStages().parse).toEqual([]);
  });
});
