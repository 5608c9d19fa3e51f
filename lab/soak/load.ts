import type { VerdictEvent } from '../../agent/types.js';
import { EhcError } from '../../protocol/errors.js';
import { maskEhcId } from '../../protocol/privacy/mask.js';
import type { LabSystem } from '../start.js';

/** A verdict as the kiosk app's feed delivered it, attributed to the scan it answers. */
export interface SoakVerdict {
  readonly id: string;
  readonly verdict: 'VALID' | 'INVALID' | 'UNAVAILABLE';
  readonly reason?: string;
  readonly by: string;
  readonly degraded: boolean;
  /** Seconds from the start of the load (the harness's monotonic clock). */
  readonly atS: number;
}

/** One scan the virtual terminal was told to make: the load generator's sent list. */
export interface SoakScan {
  readonly n: number;
  readonly terminal: string;
  readonly code: string;
  readonly mask: string;
  readonly sentS: number;
  readonly verdicts: SoakVerdict[];
}

/**
 * Steady scan load: a closed loop per virtual terminal, paced to the rate, showing dynamic codes
 * the patient app fetched from the central service ahead of time (a pool per terminal, refilled
 * continuously, so a central outage drains the pool instead of stopping the scans at once).
 * Verdicts come from the agent's verdict feed (what the kiosk app gets) and are attributed by
 * terminal and masked EHC-ID to the oldest scan of that card still waiting; each terminal's cards
 * have distinct masks, and a card comes round again only after all the others.
 */
export class SoakLoad {
  readonly sent: SoakScan[] = [];
  /** Verdicts no sent scan could be attributed to. */
  unattributed = 0;
  /** Times a terminal had no fresh code to show (the pool ran dry). */
  starved = 0;
  generateFailures = 0;
  private running = false;
  private readonly cards = new Map<string, { ehcId: string; mask: string }[]>();
  private readonly pools = new Map<string, { code: string; mask: string }[]>();
  private readonly nextCard = new Map<string, number>();
  private readonly waiting = new Map<string, Map<string, SoakScan[]>>();
  private readonly last = new Map<string, Map<string, SoakScan>>();
  private readonly firstVerdict = new Map<SoakScan, () => void>();
  private readonly loops: Promise<void>[] = [];
  private off: (() => void) | undefined;

  constructor(
    private readonly lab: LabSystem,
    private readonly terminals: readonly string[],
    private readonly o: {
      readonly scansPerSecond: number;
      readonly cardsPerTerminal: number;
      readonly t0: number;
    },
  ) {}

  private now(): number {
    return (performance.now() - this.o.t0) / 1000;
  }

  /** Registers the cards (distinct masks per terminal). */
  async prepare(): Promise<void> {
    const app = this.lab.app;
    if (!app) throw new EhcError('LAB_CONFIG', 'the soak needs a central service (patient app)');
    let k = 0;
    for (const t of this.terminals) {
      const list: { ehcId: string; mask: string }[] = [];
      const masks = new Set<string>();
      while (list.length < this.o.cardsPerTerminal) {
        k++;
        const ehcId = await app.register({
          name: '测试',
          idType: '01',
          idNo: `110101198${String(100000000 + k).slice(-9)}`,
          phone: '13900000000',
        });
        const mask = maskEhcId(ehcId);
        if (masks.has(mask)) continue;
        masks.add(mask);
        list.push({ ehcId, mask });
      }
      this.cards.set(t, list);
      this.pools.set(t, []);
      this.nextCard.set(t, 0);
      this.waiting.set(t, new Map());
      this.last.set(t, new Map());
    }
    this.off = this.lab.agentOf(this.terminals[0]!).agent.pipeline.onVerdict((e) => this.onVerdict(e));
  }

  private onVerdict(e: VerdictEvent): void {
    const mask = e.ehcIdMasked ?? '';
    const queue = this.waiting.get(e.deviceId)?.get(mask);
    const scan = queue?.shift() ?? this.last.get(e.deviceId)?.get(mask);
    if (!scan) {
      this.unattributed++;
      return;
    }
    const v = e.verdict;
    scan.verdicts.push({
      id: e.id,
      verdict: v.verdict,
      ...(v.verdict === 'VALID' ? {} : { reason: v.reason }),
      by: v.by,
      degraded: v.verdict === 'VALID' && v.degraded !== undefined,
      atS: this.now(),
    });
    this.firstVerdict.get(scan)?.();
    this.firstVerdict.delete(scan);
  }

  /** Starts the refill and the terminal loops. */
  start(): void {
    this.running = true;
    for (let w = 0; w < 6; w++) this.loops.push(this.refill());
    for (const t of this.terminals) this.loops.push(this.scanLoop(t));
  }

  /** Stops making scans (verdicts still arrive and are attributed). */
  async stop(): Promise<void> {
    this.running = false;
    for (const resolve of this.firstVerdict.values()) resolve();
    await Promise.all(this.loops);
  }

  /** Detaches from the verdict feed. */
  detach(): void {
    this.off?.();
  }

  /** Scans without a verdict yet. */
  get unanswered(): number {
    let n = 0;
    for (const s of this.sent) if (s.verdicts.length === 0) n++;
    return n;
  }

  private get poolTarget(): number {
    return Math.max(4, Math.ceil((this.o.scansPerSecond / this.terminals.length) * 12));
  }

  private async refill(): Promise<void> {
    const app = this.lab.app!;
    let backoff = 100;
    while (this.running) {
      // the terminal whose pool is lowest
      const t = [...this.terminals].sort(
        (a, b) => (this.pools.get(a)?.length ?? 0) - (this.pools.get(b)?.length ?? 0),
      )[0]!;
      const pool = this.pools.get(t)!;
      if (pool.length >= this.poolTarget) {
        await sleep(50);
        continue;
      }
      const cards = this.cards.get(t)!;
      const i = this.nextCard.get(t)!;
      this.nextCard.set(t, (i + 1) % cards.length);
      const card = cards[i]!;
      try {
        pool.push({ code: await app.code(card.ehcId), mask: card.mask });
        backoff = 100;
      } catch {
        this.generateFailures++;
        await sleep(backoff);
        backoff = Math.min(2000, backoff * 2);
      }
    }
  }

  private async scanLoop(t: string): Promise<void> {
    const interval = (1000 * this.terminals.length) / this.o.scansPerSecond;
    const link = this.lab.terminal(t).device.link;
    while (this.running) {
      const next = this.pools.get(t)!.shift();
      if (!next) {
        this.starved++;
        await sleep(50);
        continue;
      }
      const started = performance.now();
      const scan: SoakScan = {
        n: this.sent.length,
        terminal: t,
        code: next.code,
        mask: next.mask,
        sentS: this.now(),
        verdicts: [],
      };
      this.sent.push(scan);
      const byMask = this.waiting.get(t)!;
      const q = byMask.get(next.mask) ?? [];
      q.push(scan);
      byMask.set(next.mask, q);
      this.last.get(t)!.set(next.mask, scan);
      const answered = new Promise<void>((resolve) => this.firstVerdict.set(scan, resolve));
      link.scan(next.code);
      // Wait for the verdict (bounded: an unplugged terminal holds its scans until replugged).
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 8000);
        void answered.then(resolve);
      });
      clearTimeout(timer);
      const rest = interval - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
