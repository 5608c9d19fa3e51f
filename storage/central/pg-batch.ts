/**
 * Group commit for PostgreSQL: the calls made during one turn of the event loop go to the
 * database as one statement (one round trip, one commit, one WAL flush) instead of one each.
 * Each row of the statement is still decided by the database on its own (a conditional insert
 * per row), so batching changes the cost, never the answer. A batch holds each key at most once:
 * a second call with a key already in the batch waits for the next batch (so a multi-use code's
 * uses are counted one statement after another). If the statement fails, every call in it gets
 * the error (and decides for itself what that means: see the store).
 */
export class TurnBatcher<I, R> {
  private pending: { item: I; key: string; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly keyOf: (item: I) => string,
    private readonly run: (items: readonly I[]) => Promise<readonly R[]>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, key: this.keyOf(item), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const keys = new Set<string>();
    const batch: typeof this.pending = [];
    const later: typeof this.pending = [];
    for (const p of this.pending) {
      if (batch.length < this.maxBatch && !keys.has(p.key)) {
        keys.add(p.key);
        batch.push(p);
      } else later.push(p);
    }
    this.pending = later;
    if (later.length > 0) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.item)).then(
      (results) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
      },
      (e: unknown) => {
        for (const b of batch) b.reject(e);
      },
    );
  };
}
