import { type EhcError, toEhcError } from '../../../protocol/errors.js';

/**
 * One outstanding request at a time, for text-command protocols (Honeywell menu commands, Newland
 * commands, Grow register frames): requests queue up, each gets a time-out, and the driver
 * resolves or rejects the current one when its reply arrives. `close()` rejects everything, now
 * and later (the transport is gone). `ctx` is whatever the driver needs to recognise the reply.
 */
export interface RequestSlotDeps {
  setTimer(ms: number, fn: () => void): () => void;
  timeoutError(label: string): EhcError;
}

interface Job<C, T> {
  readonly label: string;
  readonly ctx: C;
  readonly timeoutMs: number;
  readonly send: () => Promise<void>;
  readonly resolve: (v: T) => void;
  readonly reject: (e: EhcError) => void;
}

export class RequestSlot<C, T> {
  private readonly queue: Job<C, T>[] = [];
  private active: Job<C, T> | undefined;
  private cancelTimer: (() => void) | undefined;
  private closedWith: EhcError | undefined;

  constructor(private readonly deps: RequestSlotDeps) {}

  get current(): { readonly label: string; readonly ctx: C } | undefined {
    return this.active;
  }

  run(label: string, ctx: C, timeoutMs: number, send: () => Promise<void>): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ label, ctx, timeoutMs, send, resolve, reject });
      if (!this.active) this.next();
    });
  }

  resolve(value: T): void {
    const job = this.take();
    job?.resolve(value);
    if (job) this.next();
  }

  reject(error: EhcError): void {
    const job = this.take();
    job?.reject(error);
    if (job) this.next();
  }

  close(error: EhcError): void {
    this.closedWith = error;
    const jobs = this.active ? [this.active, ...this.queue] : [...this.queue];
    this.queue.length = 0;
    this.take();
    for (const j of jobs) j.reject(error);
  }

  private take(): Job<C, T> | undefined {
    const job = this.active;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.active = undefined;
    return job;
  }

  private next(): void {
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    this.cancelTimer = this.deps.setTimer(job.timeoutMs, () => {
      if (this.active !== job) return;
      this.cancelTimer = undefined;
      this.reject(this.deps.timeoutError(job.label));
    });
    job.send().catch((e: unknown) => {
      if (this.active !== job) return;
      this.reject(toEhcError(e, 'DEVICE_DISCONNECTED', `${job.label}: write failed`));
    });
  }
}
