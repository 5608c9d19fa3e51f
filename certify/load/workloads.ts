import { Business, txnOf, whyOf } from '../central/business.js';
import type { CertifyContext } from '../context.js';
import { CertifyError } from '../errors.js';
import type { Txn } from './load-runner.js';

export type Operation = 'register' | 'generate' | 'verify';

/** A business mix for the load items. */
export interface Workload {
  readonly op: (vu: number) => Promise<Txn>;
}

/**
 * A dynamic code's validity block is its generation time to the second, so one card yields one
 * distinct code per second: a second code in the same second is the same code, and its
 * verification is a replay. A patient never generates codes that fast; virtual users do. Each
 * user therefore holds several cards and uses a card again only after more than a second; when
 * none is free it registers another (setup, not measured).
 */
export class CardPool {
  private readonly free: { ehcId: string; lastMs: number }[][] = [];
  registered = 0;

  constructor(private readonly b: Business) {}

  /** Registers `perUser` cards for each of `users` users, in parallel (setup, not measured). */
  async fill(users: number, perUser: number): Promise<void> {
    const results = await Promise.all(Array.from({ length: users * perUser }, () => this.b.newCard()));
    const missing = results.find((r) => !r.ehcId);
    if (missing)
      throw new CertifyError(
        'CERTIFY_PROBE',
        `setup: registering the virtual users' cards failed (${missing.why})`,
      );
    for (const [i, r] of results.entries()) this.cardsOf(i % users).push({ ehcId: r.ehcId!, lastMs: 0 });
    this.registered += results.length;
  }

  private cardsOf(vu: number): { ehcId: string; lastMs: number }[] {
    let mine = this.free[vu];
    if (!mine) {
      mine = [];
      this.free[vu] = mine;
    }
    return mine;
  }

  /** A card of user `vu` not used to generate a code in the last 1.1 s, or a reason it could not get one. */
  async take(vu: number): Promise<{ ehcId?: string; why?: string }> {
    const now = Date.now();
    const mine = this.cardsOf(vu);
    let card = mine.find((c) => now - c.lastMs > 1100);
    if (!card) {
      const r = await this.b.newCard();
      if (!r.ehcId) return { why: `setup-register-${r.why}` };
      this.registered++;
      card = { ehcId: r.ehcId, lastMs: 0 };
      mine.push(card);
    }
    card.lastMs = Date.now();
    return { ehcId: card.ehcId };
  }
}

/**
 * The transaction each performance item measures:
 * - register: a new person per transaction;
 * - generate: a dynamic code for one of the user's cards;
 * - verify: the user's app generates a fresh code (setup, not timed — a patient shows a new code),
 *   then the terminal side verifies it (timed); a failed generation counts as a failed transaction.
 */
export function singleOperation(b: Business, kind: Operation, pool: CardPool): Workload {
  switch (kind) {
    case 'register':
      return { op: async () => txnOf(await b.register()) };
    case 'generate':
      return {
        op: async (vu) => {
          const card = await pool.take(vu);
          return card.ehcId
            ? txnOf(await b.generate(card.ehcId))
            : { ok: false, why: card.why ?? 'setup', ms: 0 };
        },
      };
    case 'verify':
      return {
        op: async (vu) => {
          for (let attempt = 0; attempt < 3; attempt++) {
            const card = await pool.take(vu);
            if (!card.ehcId) return { ok: false, why: card.why ?? 'setup', ms: 0 };
            const { r: g, repeat } = await b.generateCode(card.ehcId);
            if (g.status !== 'success') return { ok: false, why: `setup-generate-${whyOf(g)}`, ms: 0 };
            if (!repeat) return txnOf(await b.verify(g.biz.ehealth_code));
          }
          return { ok: false, why: 'setup-no-fresh-code', ms: 0 };
        },
      };
  }
}

/**
 * The steady hospital mix of the soak and failover items: each user alternates generating a code
 * and verifying it, and one transaction in twenty is a new registration. Every call is one
 * measured transaction.
 */
export function businessMix(b: Business, pool: CardPool): Workload {
  const pending = new Map<number, string>();
  const counters = new Map<number, number>();
  return {
    op: async (vu) => {
      const n = (counters.get(vu) ?? 0) + 1;
      counters.set(vu, n);
      if (n % 20 === 0) return txnOf(await b.register());
      const code = pending.get(vu);
      if (code) {
        pending.delete(vu);
        return txnOf(await b.verify(code));
      }
      const card = await pool.take(vu);
      if (!card.ehcId) return { ok: false, why: card.why ?? 'setup', ms: 0 };
      const { r: g, repeat } = await b.generateCode(card.ehcId);
      // a repeated code (same second) was handed out already: generated fine, not verified again
      if (g.status === 'success' && !repeat) pending.set(vu, g.biz.ehealth_code);
      return txnOf(g);
    },
  };
}

/** A business driver on the hospital app's credentials, with the spec's timeout plus margin. */
export function businessFor(ctx: CertifyContext): Business {
  return new Business(ctx.central.client({ timeoutMs: 5000 }), ctx.central.terminalCode);
}

/** The user's warm-up round: one transaction each, not measured (connections opened, caches warm). */
export async function warmUp(w: Workload, users: number): Promise<void> {
  await Promise.all(Array.from({ length: users }, (_, vu) => w.op(vu)));
}
