/** Where one call goes first, and where its one retry (if any) goes. */
export interface CallPlan {
  readonly first: number;
  readonly retry: number | undefined;
  /** The first attempt is a fail-back probe of the primary (the retry goes to the active URL). */
  readonly probe: boolean;
}

/**
 * The ordered URLs of the central service (primary first, then the standbys) and which one calls
 * prefer. A call goes to the active URL; a retry goes to the next URL in order (wrapping). The
 * URL that answers becomes active. While a standby is active, at most one call per `failbackMs`
 * may probe the primary — only a call that `mayProbe` (an idempotent method: a probe that fails
 * for any reason is retried on the active URL, which must be harmless).
 */
export class EndpointSet {
  #active = 0;
  #lastProbeMs = 0;

  constructor(
    readonly urls: readonly string[],
    private readonly failbackMs: number,
    private readonly clock: () => number,
  ) {}

  get activeUrl(): string {
    return this.urls[this.#active] ?? '';
  }

  plan(mayProbe: boolean): CallPlan {
    const n = this.urls.length;
    const active = this.#active;
    if (n < 2) return { first: active, retry: undefined, probe: false };
    if (active !== 0 && mayProbe && this.clock() - this.#lastProbeMs >= this.failbackMs) {
      this.#lastProbeMs = this.clock();
      return { first: 0, retry: active, probe: true };
    }
    return { first: active, retry: (active + 1) % n, probe: false };
  }

  url(index: number): string {
    return this.urls[index] ?? '';
  }

  /** `index` gave a verified answer: prefer it from now on. */
  answered(index: number): void {
    if (index === this.#active) return;
    // Leaving the primary starts the fail-back clock; returning to it needs no probe.
    if (index !== 0) this.#lastProbeMs = this.clock();
    this.#active = index;
  }
}
