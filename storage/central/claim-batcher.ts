import type { Statement } from 'better-sqlite3';
import type { Db } from '../sqlite.js';
import type { ClaimResult, CodeClaim } from './contract.js';

/**
 * Group commit for code claims. Claims made during one turn of the event loop (the replies of a
 * burst of cipher-machine checks arrive together) are written in one transaction at the end of
 * that turn, instead of one commit — and one WAL append — each. Every claim is still its own
 * conditional insert-or-add-a-use, run one after the other inside the transaction, so of two
 * claims of a single-use code (in one batch or not) exactly one is accepted. A claim's promise
 * settles only once its transaction has committed; if the transaction fails, every claim in it
 * rejects (and none was recorded).
 */
export class ClaimBatcher {
  private pending: {
    claim: CodeClaim;
    resolve: (r: ClaimResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private readonly runBatch: (claims: readonly CodeClaim[]) => ClaimResult[];

  /** `insert`: the claim statement, plucked to the `uses` it returns (no row: refused). */
  constructor(db: Db, insert: Statement) {
    this.runBatch = db.transaction((claims: readonly CodeClaim[]) =>
      claims.map((c): ClaimResult => {
        const uses = insert.get(
          c.generatedMs,
          c.ehcId,
          c.validity,
          c.usedMs,
          c.terminalCode,
          c.claimId,
          c.maxUses,
        );
        return typeof uses === 'number'
          ? { accepted: true, usesLeft: Math.max(0, c.maxUses - uses) }
          : { accepted: false, usesLeft: 0 };
      }),
    );
  }

  claim(claim: CodeClaim): Promise<ClaimResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ claim, resolve, reject });
      if (this.pending.length === 1) setImmediate(this.flush);
    });
  }

  /** Writes every pending claim now (also called before the database closes). */
  readonly flush = (): void => {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: ClaimResult[];
    try {
      results = this.runBatch(batch.map((b) => b.claim));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
  };
}
