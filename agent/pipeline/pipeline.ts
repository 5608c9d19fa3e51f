import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ScanEvent } from '../../devices/types.js';
import { isEhcError } from '../../protocol/errors.js';
import { maskEhcId } from '../../protocol/privacy/mask.js';
import { type EhcCode, parseEhcCode } from '../../protocol/qr/index.js';
import type { AgentMetrics } from '../metrics/agent-metrics.js';
import type { CardUseRecord } from '../outbox/types.js';
import type { ReplayGuard } from '../replay/replay-guard.js';
import type { PeerTiming, Stage, Verdict, VerdictEvent, Verifier, VerifyContext } from '../types.js';
import type { RepeatFilter } from './dedupe.js';

/**
 * The scan-to-verify pipeline: ScanEvent → parse → drop repeats → replay pre-check → verify →
 * single-use claim → feedback to the scanner → event to the kiosk app → card-use record to the
 * outbox. Every scan that is not a repeat ends in exactly one VerdictEvent; nothing here throws
 * into the caller, and any failure becomes a refusal (fail closed).
 */
export interface PipelineTerminal {
  readonly terminalCode: string;
  readonly channelCode: string;
  readonly medStepCode: string;
}

export interface PipelineOutbox {
  /** Durable when it returns. */
  enqueue(record: CardUseRecord, nowMs: number): void;
  /** Wakes the sender. */
  kick(): void;
}

export type Feedback = (deviceId: string, verdict: Verdict) => Promise<void>;

export interface PipelineDeps {
  readonly verifier: Verifier;
  readonly replayGuard: ReplayGuard;
  readonly repeatFilter: RepeatFilter;
  readonly outbox: PipelineOutbox;
  readonly metrics: AgentMetrics;
  readonly feedback: Feedback;
  /** The terminal identity at the central service; per scanner when they are registered apart. */
  readonly terminal: PipelineTerminal | ((deviceId: string) => PipelineTerminal);
  readonly logger: Logger;
  /**
   * Runs `fn` in one storage transaction, so a dynamic code's single-use claim and its card-use
   * record commit together (a crash between them can neither burn a code without a record nor
   * record a use twice). Default: runs `fn` directly.
   */
  readonly atomically?: <T>(fn: () => T) => T;
  readonly nowMs?: () => number;
  readonly monoNs?: () => bigint;
  readonly newId?: () => string;
  /** How many recent verdicts to keep for GET /scans (default 200). */
  readonly recentLimit?: number;
}

const msBetween = (a: bigint, b: bigint): number => Number(b - a) / 1e6;

export class ScanPipeline {
  private readonly listeners = new Set<(e: VerdictEvent) => void>();
  private readonly recentEvents: VerdictEvent[] = [];
  private readonly nowMs: () => number;
  private readonly monoNs: () => bigint;
  private readonly newId: () => string;
  private readonly recentLimit: number;

  constructor(private readonly deps: PipelineDeps) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.monoNs = deps.monoNs ?? process.hrtime.bigint;
    this.newId = deps.newId ?? randomUUID;
    this.recentLimit = deps.recentLimit ?? 200;
  }

  onVerdict(listener: (e: VerdictEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recent(limit: number): readonly VerdictEvent[] {
    return this.recentEvents.slice(-limit).reverse();
  }

  /**
   * Processes one scan. Resolves with its verdict event (after the scanner feedback finished), or
   * undefined for a dropped repeat. Listeners get the event as soon as the verdict is known.
   */
  async handle(scan: ScanEvent): Promise<VerdictEvent | undefined> {
    const { deps } = this;
    const tStart = this.monoNs();
    const nowMs = this.nowMs();
    const id = this.newId();
    const stages: Partial<Record<Stage, number>> = {
      transport: Math.max(0, msBetween(scan.firstByteNs, tStart)),
    };

    const parsed = parseEhcCode(scan.text);
    const tParsed = this.monoNs();
    stages.parse = msBetween(tStart, tParsed);

    if (!deps.repeatFilter.admit(scan.deviceId, parsed.ok ? parsed.value.raw : scan.text, nowMs)) {
      deps.metrics.duplicates.inc({ device: scan.deviceId });
      return undefined;
    }

    let verdict: Verdict;
    let code: EhcCode | undefined;
    const peerRoundTripsMs: { peer: 'hsm' | 'central'; ms: number }[] = [];
    const timing: PeerTiming = { peerRoundTrip: (peer, ms) => peerRoundTripsMs.push({ peer, ms }) };
    if (!parsed.ok) {
      verdict = { verdict: 'INVALID', reason: 'malformed', by: 'parser', detail: parsed.error.type };
    } else {
      code = parsed.value;
      const terminal = typeof deps.terminal === 'function' ? deps.terminal(scan.deviceId) : deps.terminal;
      verdict = await this.verify(code, id, { deviceId: scan.deviceId, nowMs, timing, ...terminal });
    }
    const tVerified = this.monoNs();
    stages.verify = msBetween(tParsed, tVerified);

    // Feedback (beep/LED) is started now but not awaited: the kiosk app gets the verdict without
    // waiting for the scanner to acknowledge the beep. The feedback stage is measured apart.
    const feedback = deps.feedback(scan.deviceId, verdict).then(
      () => deps.metrics.observeStage('feedback', msBetween(tVerified, this.monoNs())),
      (e: unknown) => {
        deps.metrics.skipStage('feedback', scan.deviceId, isEhcError(e) ? e.code : 'error');
        deps.logger.warn({ device: scan.deviceId, err: e }, 'scanner feedback failed');
      },
    );
    const tDone = this.monoNs();
    stages.total = Math.max(0, msBetween(scan.firstByteNs, tDone));

    const event: VerdictEvent = {
      id,
      at: new Date(nowMs).toISOString(),
      deviceId: scan.deviceId,
      ...(code ? { kind: code.kind, ehcIdMasked: maskEhcId(code.ehcId) } : {}),
      verdict,
      stagesMs: stages,
      peerRoundTripsMs,
    };
    this.record(event);
    await feedback;
    return event;
  }

  private async verify(code: EhcCode, id: string, ctx: VerifyContext): Promise<Verdict> {
    const { replayGuard, verifier } = this.deps;
    const dynamic = code.kind === 'dynamic';
    if (dynamic && replayGuard.seen(code, ctx.nowMs)) {
      return { verdict: 'INVALID', reason: 'replayed', by: 'replay-guard' };
    }
    let verdict: Verdict;
    try {
      verdict = await verifier.verify(code, ctx);
    } catch (e) {
      this.deps.logger.error({ err: e }, 'verifier threw; refusing the code');
      verdict = { verdict: 'UNAVAILABLE', reason: 'internal', by: 'agent' };
    }
    if (verdict.verdict !== 'VALID') return verdict;
    try {
      const won = this.atomically(() => {
        if (dynamic && replayGuard.claim(code, ctx.nowMs, ctx.deviceId) === 'replayed') return false;
        this.deps.outbox.enqueue(this.useRecord(code, id, ctx), ctx.nowMs);
        return true;
      });
      // Another scanner may have won the race for this code between the pre-check and now.
      if (!won) return { verdict: 'INVALID', reason: 'replayed', by: 'replay-guard' };
    } catch (e) {
      // Without a durable single-use claim the code must not be accepted.
      this.deps.logger.error({ err: e }, 'cannot record the code use; refusing it');
      return { verdict: 'UNAVAILABLE', reason: 'internal', by: 'agent', detail: 'storage' };
    }
    this.deps.outbox.kick();
    return verdict;
  }

  private atomically<T>(fn: () => T): T {
    return this.deps.atomically ? this.deps.atomically(fn) : fn();
  }

  private useRecord(code: EhcCode, id: string, ctx: VerifyContext): CardUseRecord {
    return {
      recordId: id,
      ehcId: code.ehcId,
      codeKind: code.kind,
      medStepCode: ctx.medStepCode,
      terminalCode: ctx.terminalCode,
      channelCode: ctx.channelCode,
      usedAt: new Date(ctx.nowMs).toISOString(),
    };
  }

  private record(event: VerdictEvent): void {
    const { deps } = this;
    for (const [stage, ms] of Object.entries(event.stagesMs) as [Stage, number][])
      deps.metrics.observeStage(stage, ms);
    deps.metrics.countVerdict(event.verdict);
    this.recentEvents.push(event);
    if (this.recentEvents.length > this.recentLimit) this.recentEvents.shift();
    const v = event.verdict;
    deps.logger.info(
      {
        device: event.deviceId,
        ehcId: event.ehcIdMasked,
        kind: event.kind,
        verdict: v.verdict,
        reason: v.verdict === 'VALID' ? undefined : v.reason,
        by: v.by,
        totalMs: event.stagesMs.total,
      },
      'scan verdict',
    );
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        deps.logger.warn({ err: e }, 'verdict listener threw');
      }
    }
  }
}
