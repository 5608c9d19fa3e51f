import type { CardRecord, CentralStore } from '../../storage/central/contract.js';

/**
 * `ehc bench load --cards N`: fills the central store (untimed, before the first measurement)
 * with N issued dynamic codes, half of them used, on cards of their own, so that verification and
 * generation run against tables of a province's size. Everything goes through the store contract
 * (`insertCard`, `reserveCodeSecond`, `claimCode`) — the statements and indexes the service
 * itself uses — never a private bulk path.
 *
 * The purge policy keeps only codes whose window is still open (generated within the code
 * lifetime + skew + a margin; `sim/central/pruner.ts`), so the rows are spread over the last
 * `spanS` seconds: each seeded card gets one code per second of that span (a card has at most
 * one code per second), and the card count is what it takes to reach N.
 */
export interface SeedSettings {
  /** Issued codes to create. */
  readonly codes: number;
  /** The service clock now, ms: codes are generated in the `spanS` seconds before it. */
  readonly nowMs: number;
  /** Seconds of generation times the codes spread over (within the retention window). */
  readonly spanS: number;
  /** Writes in flight at once (group commit batches them per event-loop turn). */
  readonly inFlight?: number;
  readonly onProgress?: (line: string) => void;
}

export interface SeedResult {
  readonly cards: number;
  readonly issued: number;
  readonly used: number;
  readonly seconds: number;
}

const seedCard = (i: number, nowMs: number): CardRecord => {
  const n = String(i).padStart(12, '0');
  return {
    ehcId: `SEED${n.padStart(60, '0')}`,
    mainIndexId: `SEEDM${n.padStart(59, '0')}`,
    registerNo: `SEED-R${n}`,
    appId: 'BENCH-SEED',
    idType: '01',
    idNo: `SEED${n}`,
    name: 'seed',
    gender: '1',
    birthday: '',
    cellphone: '',
    details: {},
    status: 'active',
    registeredMs: nowMs,
  };
};

/** Runs `task(i)` for i < n with at most `width` in flight. */
async function pooled(n: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
}

export async function seedIssuedCodes(store: CentralStore, s: SeedSettings): Promise<SeedResult> {
  const t0 = performance.now();
  const span = Math.max(1, Math.floor(s.spanS));
  const cards = Math.max(1, Math.ceil(s.codes / span));
  const width = s.inFlight ?? 512;
  const top = Math.floor(s.nowMs / 1000) * 1000;
  await pooled(cards, width, (i) => store.insertCard(seedCard(i, s.nowMs)));
  let issued = 0;
  let used = 0;
  let lastSay = performance.now();
  await pooled(s.codes, width, async (k) => {
    const card = seedCard(k % cards, s.nowMs);
    const generatedMs = top - Math.floor(k / cards) * 1000;
    const got = await store.reserveCodeSecond(card.ehcId, generatedMs, generatedMs);
    if (got === undefined) return;
    issued++;
    if (k % 2 === 0) {
      const c = await store.claimCode({
        ehcId: card.ehcId,
        validity: `SEED${generatedMs.toString(16).toUpperCase().padStart(28, '0')}`,
        generatedMs,
        usedMs: s.nowMs,
        terminalCode: 'BENCH-SEED',
        maxUses: 1,
        claimId: `seed-${k}`,
      });
      if (c.accepted) used++;
    }
    if (performance.now() - lastSay > 10_000) {
      lastSay = performance.now();
      s.onProgress?.(`seeding: ${issued} of ${s.codes} codes`);
    }
  });
  return { cards, issued, used, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
}
