import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EhcCode } from '../../protocol/qr/index.js';
import { openSqlite } from '../../storage/sqlite.js';
import { scanEvent as scan } from '../../test/support/scan-event.js';
import { AgentMetrics } from '../metrics/agent-metrics.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import { ReplayGuard } from '../replay/replay-guard.js';
import type { Verdict, Verifier } from '../types.js';
import { RepeatFilter } from './dedupe.js';
import { ScanPipeline } from './pipeline.js';

const EHC = '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33';
const dyn = (v: string) => `${EHC}:0:${v}`;
const V1 = '07EDF114B1651BA63D112011E74C1EC3';
const V2 = '17EDF114B1651BA63D112011E74C1EC3';

class FakeVerifier implements Verifier {
  readonly name = 'hsm' as const;
  calls = 0;
  constructor(
    private readonly answer: (code: EhcCode) => Verdict | Promise<Verdict>,
    private readonly delayMs = 0,
  ) {}
  async verify(code: EhcCode): Promise<Verdict> {
    this.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.answer(code);
  }
}

function setup(verifier: Verifier, opts: { failStorage?: boolean } = {}) {
  const db = openSqlite(':memory:');
  const store = new OutboxStore(db);
  const feedback: [string, string][] = [];
  let kicks = 0;
  const pipeline = new ScanPipeline({
    verifier,
    replayGuard: new ReplayGuard(db, 70_000),
    repeatFilter: new RepeatFilter(2000),
    outbox: {
      enqueue: (r, now) => {
        if (opts.failStorage) throw new Error('disk full');
        store.enqueue(r, now);
      },
      kick: () => {
        kicks++;
      },
    },
    atomically: (fn) => db.transaction(fn)(),
    metrics: new AgentMetrics(),
    feedback: async (d, v) => {
      feedback.push([d, v.verdict]);
    },
    terminal: { terminalCode: 'T1', channelCode: '02', medStepCode: '010101' },
    logger: pino({ level: 'silent' }),
  });
  return { pipeline, store, feedback, kicks: () => kicks, db };
}

const valid: Verdict = { verdict: 'VALID', by: 'hsm' };

describe('ScanPipeline', () => {
  it('accepts a valid dynamic code once, records its use, beeps good', async () => {
    const v = new FakeVerifier(() => valid);
    const { pipeline, store, feedback, kicks } = setup(v);
    const e = await pipeline.handle(scan(`]Q1${dyn(V1)}\r\n`));
    expect(e?.verdict).toEqual(valid);
    expect(e?.kind).toBe('dynamic');
    expect(e?.ehcIdMasked).toBe('3E3CD944…0B33');
    expect(JSON.stringify(e)).not.toContain(EHC);
    expect(feedback).toEqual([['d1', 'VALID']]);
    expect(store.due(Date.now() + 1, 10).map((r) => r.recordId)).toEqual([e?.id]);
    expect(kicks()).toBe(1);
    // Feedback finishes after the event is dispatched: it is in the metrics, not the event.
    expect(Object.keys(e?.stagesMs ?? {}).sort()).toEqual(['parse', 'total', 'transport', 'verify']);
  });

  it('attaches the peer round trips the verifier reported to the scan’s event', async () => {
    const timed: Verifier = {
      name: 'hsm',
      verify: async (_c, ctx) => {
        ctx.timing?.peerRoundTrip('hsm', 0.5);
        ctx.timing?.peerRoundTrip('central', 2);
        return valid;
      },
    };
    const e = await setup(timed).pipeline.handle(scan(dyn(V1)));
    expect(e?.peerRoundTripsMs).toEqual([
      { peer: 'hsm', ms: 0.5 },
      { peer: 'central', ms: 2 },
    ]);
    // No peer asked: an empty list, not a missing one.
    const bad = await setup(timed).pipeline.handle(scan('hello world'));
    expect(bad?.peerRoundTripsMs).toEqual([]);
  });

  it('drops a repeat within the window, refuses a replay after it without asking the verifier', async () => {
    const v = new FakeVerifier(() => valid);
    let now = 1_000_000;
    const { pipeline } = setup(v);
    (pipeline as unknown as { nowMs: () => number }).nowMs = () => now;
    expect((await pipeline.handle(scan(dyn(V1))))?.verdict.verdict).toBe('VALID');
    now += 500;
    expect(await pipeline.handle(scan(dyn(V1)))).toBeUndefined();
    now += 5000;
    const replay = await pipeline.handle(scan(dyn(V1)));
    expect(replay?.verdict).toEqual({ verdict: 'INVALID', reason: 'replayed', by: 'replay-guard' });
    expect(v.calls).toBe(1);
  });

  it('two scanners racing on one code: exactly one VALID', async () => {
    const v = new FakeVerifier(() => valid, 20);
    const { pipeline, store } = setup(v);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((d) => pipeline.handle(scan(dyn(V2), d))));
    const verdicts = results.map((r) => r?.verdict.verdict).sort();
    expect(verdicts).toEqual(['INVALID', 'INVALID', 'INVALID', 'VALID']);
    expect(store.counts().pending).toBe(1);
  });

  it('malformed text is INVALID(malformed) and never reaches the verifier', async () => {
    const v = new FakeVerifier(() => valid);
    const { pipeline, feedback } = setup(v);
    const e = await pipeline.handle(scan('hello world'));
    expect(e?.verdict).toMatchObject({ verdict: 'INVALID', reason: 'malformed', by: 'parser' });
    expect(v.calls).toBe(0);
    expect(feedback).toEqual([['d1', 'INVALID']]);
  });

  it('fails closed: unavailable, a throwing verifier, or storage failure refuse the code', async () => {
    const down = setup(
      new FakeVerifier(() => ({ verdict: 'UNAVAILABLE', reason: 'hsm-timeout', by: 'hsm' })),
    );
    expect((await down.pipeline.handle(scan(dyn(V1))))?.verdict.verdict).toBe('UNAVAILABLE');
    expect(down.store.counts().pending).toBe(0);
    const throws = setup(
      new FakeVerifier(() => {
        throw new Error('boom');
      }),
    );
    expect((await throws.pipeline.handle(scan(dyn(V1))))?.verdict).toMatchObject({
      verdict: 'UNAVAILABLE',
      reason: 'internal',
    });
    const disk = setup(new FakeVerifier(() => valid), { failStorage: true });
    expect((await disk.pipeline.handle(scan(dyn(V1))))?.verdict).toMatchObject({ verdict: 'UNAVAILABLE' });
    // The failed transaction rolled the claim back: the code is not burnt.
    expect(disk.db.prepare('SELECT COUNT(*) FROM replay_guard').pluck().get()).toBe(0);
  });

  it('counts verdicts and stage latencies in the metrics', async () => {
    const v = new FakeVerifier((c) =>
      c.validity === V1 ? valid : { verdict: 'INVALID', reason: 'expired', by: 'hsm' },
    );
    const { pipeline } = setup(v);
    await pipeline.handle(scan(dyn(V1)));
    await pipeline.handle(scan(dyn(V2)));
    const m = (pipeline as unknown as { deps: { metrics: AgentMetrics } }).deps.metrics;
    expect(m.verdicts.get({ verdict: 'VALID', reason: 'ok', verifier: 'hsm' })).toBe(1);
    expect(m.verdicts.get({ verdict: 'INVALID', reason: 'expired', verifier: 'hsm' })).toBe(1);
    expect(m.stageSeconds.percentiles({ stage: 'total' })?.count).toBe(2);
    expect(m.stageSeconds.percentiles({ stage: 'feedback' })?.count).toBe(2);
    expect(m.expose()).toContain('ehc_stage_duration_seconds_bucket{stage="verify",le="0.001"}');
  });
});
