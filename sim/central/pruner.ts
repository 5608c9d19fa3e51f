import type { Logger } from 'pino';
import type { CentralStore } from '../../storage/central/contract.js';

/** One prune statement deletes at most this span of generation times (about a second of codes). */
const SLICE_MS = 1000;

/**
 * Deletes used-code rows no window check can accept any more (generated before `cutoff()`), a
 * slice of one second of generation times per statement with the event loop free in between,
 * so a backlog of a busy minute never blocks requests in one long DELETE.
 */
export class UsedCodePruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: CentralStore,
    private readonly cutoff: () => number,
    private readonly log: Logger,
  ) {}

  /** Prunes every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((e: unknown) => {
        this.log.warn({ err: { name: e instanceof Error ? e.name : 'error' } }, 'used-code prune failed');
      });
    }, intervalMs).unref();
  }

  /** Waits for a prune in progress; no more start after this. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }

  /** Prunes everything older than the cutoff now; returns how many rows went. One run at a time. */
  runOnce(): Promise<number> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const before = this.cutoff();
      const oldest = await this.store.oldestUsedCodeMs();
      if (oldest === undefined || oldest >= before) return total;
      total += await this.store.pruneUsedCodes(Math.min(before, oldest + SLICE_MS));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
