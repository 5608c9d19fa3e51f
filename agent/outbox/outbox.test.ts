import { describe, expect, it, vi } from 'vitest';
import { openSqlite } from '../../storage/sqlite.js';
import { OutboxStore } from './outbox-store.js';
import { OutboxSender } from './sender.js';
import type { CardUseRecord, SinkResult, UseRecordSink } from './types.js';

const rec = (i: number): CardUseRecord => ({
  recordId: `r${String(i).padStart(4, '0')}`,
  ehcId: 'E'.repeat(64),
  codeKind: 'dynamic',
  medStepCode: '010101',
  terminalCode: 'T1',
  channelCode: '02',
  usedAt: new Date(0).toISOString(),
});

class ScriptedSink implements UseRecordSink {
  readonly received: string[] = [];
  batches = 0;
  constructor(private readonly script: SinkResult['status'][] = []) {}
  async send(records: readonly CardUseRecord[]): Promise<SinkResult> {
    this.batches++;
    const s = this.script.shift() ?? 'ok';
    if (s === 'ok') {
      this.received.push(...records.map((r) => r.recordId));
      return { status: 'ok' };
    }
    return s === 'rejected'
      ? { status: 'rejected', reason: 'bad' }
      : { status: 'unavailable', reason: 'down' };
  }
}

describe('outbox', () => {
  it('a full disk while marking a batch delivered does not escape; the batch is re-sent once the disk has room (soak finding)', async () => {
    const db = openSqlite(':memory:');
    const store = new OutboxStore(db);
    for (let i = 0; i < 3; i++) store.enqueue(rec(i), 0);
    const sink = new ScriptedSink();
    const sender = new OutboxSender(store, sink, {
      now: () => 0,
      baseBackoffMs: 20,
      maxBackoffMs: 40,
      lingerMs: 1,
    });
    const real = store.markDelivered.bind(store);
    let full = true;
    store.markDelivered = (ids, nowMs) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      real(ids, nowMs);
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => {
      unhandled.push(e);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      sender.start();
      for (let i = 0; i < 50 && sink.batches < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sink.batches).toBeGreaterThanOrEqual(2); // retried after the store failure
      expect(store.counts().pending).toBe(3);
      full = false;
      for (let i = 0; i < 100 && store.counts().pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(store.counts()).toEqual({ pending: 0, delivered: 3, parked: 0 });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await sender.stop();
    }
  });

  it('a record stamped ahead of the clock (the clock stepped back since) is delivered at once (soak finding)', async () => {
    const store = new OutboxStore(openSqlite(':memory:'));
    // stamped 2 min ahead: enqueued while the wall clock was 2 min fast, then it stepped back
    store.enqueue(rec(1), 120_000);
    const sink = new ScriptedSink();
    const sender = new OutboxSender(store, sink, { now: () => 0, maxBackoffMs: 2000 });
    await sender.drained();
    expect(sink.received).toEqual([rec(1).recordId]);
  });

  it('a retry set before the clock stepped back by more than the longest backoff is due at once', async () => {
    let now = 1_000_000;
    const store = new OutboxStore(openSqlite(':memory:'));
    store.enqueue(rec(1), now);
    const sink = new ScriptedSink(['unavailable', 'ok']);
    const sender = new OutboxSender(store, sink, {
      now: () => now,
      random: () => 0.99,
      baseBackoffMs: 1000,
      maxBackoffMs: 5000,
    });
    await sender.drained();
    expect(sink.received).toEqual([]);
    now -= 3_600_000; // the clock steps back an hour
    await sender.drained();
    expect(sink.received).toEqual([rec(1).recordId]);
  });

  it('delivers in order, in batches, each record once', async () => {
    const store = new OutboxStore(openSqlite(':memory:'));
    for (let i = 0; i < 120; i++) store.enqueue(rec(i), 1000);
    store.enqueue(rec(5), 1000); // same id again: kept once
    const sink = new ScriptedSink();
    const sender = new OutboxSender(store, sink, { batchSize: 50, now: () => 2000 });
    await sender.drained();
    expect(sink.received).toEqual(Array.from({ length: 120 }, (_, i) => rec(i).recordId));
    expect(sink.batches).toBe(3);
    expect(store.counts()).toEqual({ pending: 0, delivered: 120, parked: 0 });
  });

  it('backs off when the platform is unavailable and retries later', async () => {
    let now = 0;
    const store = new OutboxStore(openSqlite(':memory:'));
    store.enqueue(rec(1), 0);
    const sink = new ScriptedSink(['unavailable', 'unavailable', 'ok']);
    const sender = new OutboxSender(store, sink, { now: () => now, random: () => 0.99, baseBackoffMs: 1000 });
    await sender.drained();
    expect(sink.received).toEqual([]);
    expect(store.counts().pending).toBe(1);
    const firstRetry = store.nextDueAt()!;
    expect(firstRetry).toBeGreaterThan(0);
    now = firstRetry;
    await sender.drained();
    const secondRetry = store.nextDueAt()!;
    expect(secondRetry - now).toBeGreaterThan(firstRetry); // the delay grew
    now = secondRetry;
    await sender.drained();
    expect(sink.received).toEqual(['r0001']);
    await sender.stop();
  });

  it('parks a batch the platform rejects for good', async () => {
    const store = new OutboxStore(openSqlite(':memory:'));
    store.enqueue(rec(1), 0);
    const sender = new OutboxSender(store, new ScriptedSink(['rejected']), { now: () => 1 });
    await sender.drained();
    expect(store.counts()).toEqual({ pending: 0, delivered: 0, parked: 1 });
  });
});

describe('outbox batching under a steady stream', () => {
  it('records arriving while a batch is in flight wait for the next linger instead of going one by one', async () => {
    vi.useFakeTimers();
    try {
      const store = new OutboxStore(openSqlite(':memory:'));
      const batches: number[] = [];
      const sink: UseRecordSink = {
        send: async (records) => {
          batches.push(records.length);
          await new Promise((r) => setTimeout(r, 5)); // each upload takes 5 ms
          return { status: 'ok' };
        },
      };
      const sender = new OutboxSender(store, sink, { batchSize: 50, lingerMs: 30, now: () => Date.now() });
      sender.start();
      // One record every 2 ms for 80 ms (fake time: deterministic under any machine load).
      for (let i = 0; i < 40; i++) {
        store.enqueue(rec(i), Date.now());
        sender.kick();
        await vi.advanceTimersByTimeAsync(2);
      }
      await vi.advanceTimersByTimeAsync(200);
      await sender.stop();
      expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
      // 80 ms of arrivals with a 30 ms linger: a handful of batches, never one per send time.
      expect(batches.length).toBeLessThanOrEqual(5);
    } finally {
      vi.useRealTimers();
    }
  });
});
