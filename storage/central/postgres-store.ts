import { StoreError } from '../errors.js';
import { migratePostgres, PostgresCluster, type PostgresOptions, type Statement } from '../postgres.js';
import type {
  CardRecord,
  CentralStore,
  ClaimResult,
  CloseCardResult,
  CodeClaim,
  GeneratedCode,
  InsertCardResult,
  InsertUseRecordsResult,
  StoreCounts,
  StoredUseRecord,
  StoreStatus,
  TerminalRecord,
  UseRecord,
  UseRecordQuery,
} from './contract.js';
import { TurnBatcher } from './pg-batch.js';
import { CENTRAL_PG_MIGRATIONS } from './postgres-schema.js';
import {
  CARD_COLUMNS,
  type CardRow,
  cardFromRow,
  cardToRow,
  type GeneratedRow,
  generatedFromRow,
  type TerminalRow,
  terminalFromRow,
  USE_COLUMNS,
  type UseRecordRow,
  useRecordFromRow,
} from './rows.js';
import { CENTRAL_SCOPE } from './sqlite-schema.js';

const GENERATED_COLUMNS = 'app_id, generate_no, ehc_id, ehealth_code, expire_time, generated_ms';

const st = (name: string, text: string): Statement => ({ name: `ehc_${name}`, text });

/** Every statement, named (prepared once per connection). The decisions are single statements. */
const SQL = {
  insertCard: st(
    'insert_card',
    `INSERT INTO cards (${CARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING`,
  ),
  cardByEhcId: st('card_by_ehc', `SELECT ${CARD_COLUMNS} FROM cards WHERE ehc_id = $1`),
  cardsByEhcId: st('cards_by_ehc', `SELECT ${CARD_COLUMNS} FROM cards WHERE ehc_id = ANY($1::text[])`),
  cardByRegisterNo: st('card_by_no', `SELECT ${CARD_COLUMNS} FROM cards WHERE register_no = $1`),
  cardByPerson: st('card_by_person', `SELECT ${CARD_COLUMNS} FROM cards WHERE id_type = $1 AND id_no = $2`),
  closeCard: st(
    'close_card',
    "UPDATE cards SET status = 'closed', closed_ms = $1, revoke_no = $2 WHERE ehc_id = $3 AND status = 'active'",
  ),
  claim: st(
    'claim',
    `INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code, uses, claim_id)
     VALUES ($1, $2, $3, $4, $5, 1, $6)
     ON CONFLICT (generated_ms, ehc_id, validity) DO UPDATE
       SET uses = used_codes.uses + 1, used_ms = excluded.used_ms,
           terminal_code = excluded.terminal_code, claim_id = excluded.claim_id
       WHERE used_codes.uses < $7
     RETURNING uses`,
  ),
  claimBatch: st(
    'claim_batch',
    `INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code, uses, claim_id)
     SELECT g, e, v, u, t, 1, c FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[]) AS x(g, e, v, u, t, c)
     ON CONFLICT (generated_ms, ehc_id, validity) DO UPDATE
       SET uses = used_codes.uses + 1, used_ms = excluded.used_ms,
           terminal_code = excluded.terminal_code, claim_id = excluded.claim_id
       WHERE used_codes.uses < $7
     RETURNING claim_id, uses`,
  ),
  rememberBatch: st(
    'remember_batch',
    `INSERT INTO request_digests (digest, timestamp_ms)
     SELECT d, t FROM unnest($1::text[], $2::bigint[]) AS x(d, t)
     ON CONFLICT DO NOTHING RETURNING digest`,
  ),
  claimLookup: st(
    'claim_lookup',
    'SELECT uses, claim_id FROM used_codes WHERE generated_ms = $1 AND ehc_id = $2 AND validity = $3',
  ),
  issue: st(
    'issue',
    'INSERT INTO issued_codes (generated_ms, ehc_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  ),
  insertGenerate: st(
    'insert_generate',
    `INSERT INTO generated_codes (${GENERATED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
  ),
  generateByNo: st(
    'generate_by_no',
    `SELECT ${GENERATED_COLUMNS} FROM generated_codes WHERE app_id = $1 AND generate_no = $2`,
  ),
  completeGenerate: st(
    'complete_generate',
    'UPDATE generated_codes SET ehealth_code = $1, expire_time = $2, generated_ms = $3 WHERE app_id = $4 AND generate_no = $5 AND ehealth_code = $6',
  ),
  abandonGenerate: st(
    'abandon_generate',
    'DELETE FROM generated_codes WHERE app_id = $1 AND generate_no = $2 AND ehealth_code = $3',
  ),
  pruneRequests: st('prune_requests', 'DELETE FROM request_digests WHERE timestamp_ms < $1'),
  prune: st(
    'prune',
    `WITH u AS (DELETE FROM used_codes WHERE generated_ms < $1 RETURNING 1),
          i AS (DELETE FROM issued_codes WHERE generated_ms < $1 RETURNING 1),
          g AS (DELETE FROM generated_codes WHERE generated_ms < $1 RETURNING 1)
     SELECT (SELECT count(*) FROM u) + (SELECT count(*) FROM i) + (SELECT count(*) FROM g) AS n`,
  ),
  oldest: st(
    'oldest',
    `SELECT least((SELECT min(generated_ms) FROM used_codes), (SELECT min(generated_ms) FROM issued_codes),
                  (SELECT min(generated_ms) FROM generated_codes)) AS m`,
  ),
  insertUse: st(
    'insert_use',
    'INSERT INTO use_records (record_id, ehc_id, code_kind, med_step_code, terminal_code, channel_code, use_time, org_code, app_id, received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (record_id) DO NOTHING',
  ),
  useAll: st('use_all', `SELECT ${USE_COLUMNS} FROM use_records WHERE seq > $1 ORDER BY seq LIMIT $2`),
  useByEhc: st(
    'use_by_ehc',
    `SELECT ${USE_COLUMNS} FROM use_records WHERE ehc_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  ),
  useByTerminal: st(
    'use_by_terminal',
    `SELECT ${USE_COLUMNS} FROM use_records WHERE terminal_code = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  ),
  useByBoth: st(
    'use_by_both',
    `SELECT ${USE_COLUMNS} FROM use_records WHERE ehc_id = $1 AND terminal_code = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
  ),
  upsertTerminal: st(
    'upsert_terminal',
    'INSERT INTO terminals (terminal_code, name, org_code, enabled) VALUES ($1, $2, $3, $4) ON CONFLICT (terminal_code) DO UPDATE SET name = excluded.name, org_code = excluded.org_code, enabled = excluded.enabled',
  ),
  terminal: st(
    'terminal',
    'SELECT terminal_code, name, org_code, enabled FROM terminals WHERE terminal_code = $1',
  ),
  terminals: st(
    'terminals',
    'SELECT terminal_code, name, org_code, enabled FROM terminals ORDER BY terminal_code',
  ),
  counts: st(
    'counts',
    `SELECT (SELECT count(*) FROM cards) AS cards,
            (SELECT count(*) FROM cards WHERE status = 'closed') AS "closedCards",
            (SELECT count(*) FROM used_codes) AS "usedCodes",
            (SELECT count(*) FROM use_records) AS "useRecords",
            (SELECT count(*) FROM terminals) AS terminals`,
  ),
} as const;

/** Registered terminals are cached this long (another instance may change them meanwhile). */
const TERMINAL_CACHE_MS = 5000;

const lost = (e: unknown): boolean => e instanceof StoreError && e.code === 'STORE_CONNECTION_LOST';

/** A lost connection that stays lost after one retry becomes "unavailable" (fail closed). */
const unavailable = (e: unknown): unknown =>
  lost(e) ? new StoreError('STORE_UNAVAILABLE', 'the database is not reachable', { cause: e }) : e;

/**
 * `CentralStore` on PostgreSQL, for several service instances on one database (see
 * storage/postgres.ts for how the primary is found and failover handled).
 *
 * When a connection dies mid-statement, an operation is retried once on the new primary only
 * where running it again cannot change the answer (reads, and the idempotent conditional
 * inserts: card, generate, use records, terminal, close). A claim is never re-run blindly: it is
 * looked up by its claim id (see `claimCode`). A request digest whose insert was lost is not
 * retried: the request is answered "unavailable" and the client sends a new one.
 */
export class PostgresCentralStore implements CentralStore {
  readonly kind = 'postgres' as const;
  private readonly terminalCache = new Map<string, { t: TerminalRecord; at: number }>();

  /**
   * Claims and request digests of one event-loop turn go as one statement each (group commit,
   * pg-batch.ts); a claim's row is keyed by (generation time, EHC-ID, validity), one per batch.
   * Batches of one maxUses only (the WHERE is per statement): claims carry the service's one
   * setting, and a different one goes in its own batch by key.
   */
  private readonly claims = new TurnBatcher<CodeClaim, number | undefined>(
    (c) => `${c.maxUses}|${c.generatedMs}|${c.ehcId}|${c.validity}`,
    (batch) => this.claimBatch(batch),
  );
  private readonly digests = new TurnBatcher<{ digest: string; timestampMs: number }, boolean>(
    (d) => d.digest,
    async (batch) => {
      const r = await this.cluster.query<{ digest: string }>(SQL.rememberBatch, [
        batch.map((d) => d.digest),
        batch.map((d) => d.timestampMs),
      ]);
      const fresh = new Set(r.rows.map((row) => row.digest));
      return batch.map((d) => fresh.has(d.digest));
    },
  );

  /** Card lookups of one turn (every verify and generate makes one) as one `= ANY` statement. */
  private readonly cardReads = new TurnBatcher<string, CardRow | undefined>(
    (ehcId) => ehcId,
    async (ids) => {
      const r = await this.cluster.query<CardRow>(SQL.cardsByEhcId, [ids]);
      const byId = new Map(r.rows.map((row) => [row.ehc_id, row]));
      return ids.map((id) => byId.get(id));
    },
  );

  private constructor(readonly cluster: PostgresCluster) {}

  /** One statement for a batch of claims (distinct keys); per claim its `uses`, or undefined (refused). */
  private async claimBatch(batch: readonly CodeClaim[]): Promise<(number | undefined)[]> {
    // Batches mix maxUses only if the service's setting changed between calls: split by it.
    const max = batch[0]!.maxUses;
    if (batch.some((c) => c.maxUses !== max)) {
      return Promise.all(batch.map(async (c) => (await this.claimBatch([c]))[0]));
    }
    const r = await this.cluster.query<{ claim_id: string; uses: number }>(SQL.claimBatch, [
      batch.map((c) => c.generatedMs),
      batch.map((c) => c.ehcId),
      batch.map((c) => c.validity),
      batch.map((c) => c.usedMs),
      batch.map((c) => c.terminalCode),
      batch.map((c) => c.claimId),
      max,
    ]);
    const uses = new Map(r.rows.map((row) => [row.claim_id, row.uses]));
    return batch.map((c) => uses.get(c.claimId));
  }

  /** Connects (finding the primary), runs the migrations, and returns the store. */
  static async open(opts: PostgresOptions): Promise<PostgresCentralStore> {
    const cluster = new PostgresCluster(opts);
    try {
      await cluster.connect();
      await migratePostgres(cluster, CENTRAL_SCOPE, CENTRAL_PG_MIGRATIONS);
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return new PostgresCentralStore(cluster);
  }

  /** Runs an operation that is safe to run again, once more after a lost connection. */
  private async idempotent<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (!lost(e)) throw e;
    }
    try {
      return await op();
    } catch (e) {
      throw unavailable(e);
    }
  }

  private rows<R extends object>(s: Statement, values: readonly unknown[]): Promise<R[]> {
    return this.idempotent(async () => (await this.cluster.query<R & object>(s, values)).rows);
  }

  async insertCard(card: CardRecord): Promise<InsertCardResult> {
    const r = cardToRow(card);
    const values = [
      r.ehc_id,
      r.main_index_id,
      r.register_no,
      r.app_id,
      r.id_type,
      r.id_no,
      r.name,
      r.gender,
      r.birthday,
      r.cellphone,
      r.details,
      r.status,
      r.registered_ms,
      r.closed_ms,
      r.revoke_no,
    ];
    let inserted: boolean;
    try {
      inserted = (await this.cluster.query(SQL.insertCard, values)).rowCount === 1;
    } catch (e) {
      if (!lost(e)) throw e;
      // Outcome unknown: running it again either inserts or finds the row (ours or another's).
      inserted = (await this.idempotent(() => this.cluster.query(SQL.insertCard, values))).rowCount === 1;
    }
    if (inserted) return { inserted: true };
    const existing =
      (await this.one<CardRow>(SQL.cardByRegisterNo, [card.registerNo])) ??
      (await this.one<CardRow>(SQL.cardByPerson, [card.idType, card.idNo])) ??
      (await this.one<CardRow>(SQL.cardByEhcId, [card.ehcId]));
    if (existing === undefined) throw new Error('card insert conflicted with no visible row');
    return { inserted: false, existing: cardFromRow(existing) };
  }

  private async one<R extends object>(s: Statement, values: readonly unknown[]): Promise<R | undefined> {
    return (await this.rows<R>(s, values))[0];
  }

  async findCardByEhcId(ehcId: string): Promise<CardRecord | undefined> {
    const r = await this.idempotent(() => this.cardReads.submit(ehcId));
    return r === undefined ? undefined : cardFromRow(r);
  }

  async findCardByPerson(idType: string, idNo: string): Promise<CardRecord | undefined> {
    const r = await this.one<CardRow>(SQL.cardByPerson, [idType, idNo]);
    return r === undefined ? undefined : cardFromRow(r);
  }

  async findCardByRegisterNo(registerNo: string): Promise<CardRecord | undefined> {
    const r = await this.one<CardRow>(SQL.cardByRegisterNo, [registerNo]);
    return r === undefined ? undefined : cardFromRow(r);
  }

  async closeCard(ehcId: string, revokeNo: string, closedMs: number): Promise<CloseCardResult> {
    const r = await this.idempotent(() => this.cluster.query(SQL.closeCard, [closedMs, revokeNo, ehcId]));
    if (r.rowCount === 1) return 'closed';
    return (await this.one(SQL.cardByEhcId, [ehcId])) === undefined ? 'unknown' : 'already-closed';
  }

  /**
   * One statement decides (insert, or add a use while uses < maxUses). If the connection dies
   * before the answer arrives, the commit may or may not have happened; the claim is then looked
   * up on the (new) primary: stored with our claim id → accepted; absent → nothing of ours was
   * stored, so the claim runs again; stored with another claim id → for a single-use code ours
   * never committed (its row is written once), so refused; for a multi-use code the answer cannot
   * be known and the store says unavailable (fail closed).
   */
  async claimCode(c: CodeClaim): Promise<ClaimResult> {
    const values = [c.generatedMs, c.ehcId, c.validity, c.usedMs, c.terminalCode, c.claimId, c.maxUses];
    const answer = (uses: number | undefined): ClaimResult =>
      uses === undefined
        ? { accepted: false, usesLeft: 0 }
        : { accepted: true, usesLeft: Math.max(0, c.maxUses - uses) };
    try {
      return answer(await this.claims.submit(c));
    } catch (e) {
      if (!lost(e)) throw e;
    }
    try {
      const row = (
        await this.cluster.query<{ uses: number; claim_id: string | null }>(SQL.claimLookup, [
          c.generatedMs,
          c.ehcId,
          c.validity,
        ])
      ).rows[0];
      if (row === undefined) {
        return answer((await this.cluster.query<{ uses: number }>(SQL.claim, values)).rows[0]?.uses);
      }
      if (row.claim_id === c.claimId) return answer(row.uses);
      if (c.maxUses === 1) return { accepted: false, usesLeft: 0 };
      throw new StoreError('STORE_UNAVAILABLE', 'the outcome of a claim was lost with its connection');
    } catch (e) {
      throw unavailable(e);
    }
  }

  async reserveCodeSecond(ehcId: string, latestMs: number, earliestMs: number): Promise<number | undefined> {
    // A lost insert may have reserved its second: running the loop on simply skips it (a
    // second wasted, never one handed out twice).
    for (let ms = latestMs; ms >= earliestMs; ms -= 1000) {
      const r = await this.idempotent(() => this.cluster.query(SQL.issue, [ms, ehcId]));
      if (r.rowCount === 1) return ms;
    }
    return undefined;
  }

  async recordGenerate(g: GeneratedCode): Promise<GeneratedCode> {
    await this.idempotent(() =>
      this.cluster.query(SQL.insertGenerate, [
        g.appId,
        g.generateNo,
        g.ehcId,
        g.ehealthCode,
        g.expireTime,
        g.generatedMs,
      ]),
    );
    const stored = await this.findGenerate(g.appId, g.generateNo);
    if (stored === undefined) throw new Error('generate insert conflicted with no visible row');
    return stored;
  }

  async findGenerate(appId: string, generateNo: string): Promise<GeneratedCode | undefined> {
    const r = await this.one<GeneratedRow>(SQL.generateByNo, [appId, generateNo]);
    return r === undefined ? undefined : generatedFromRow(r);
  }

  async completeGenerate(token: string, g: GeneratedCode): Promise<boolean> {
    // Conditional on the placeholder: running it again after a lost answer changes nothing.
    const r = await this.idempotent(() =>
      this.cluster.query(SQL.completeGenerate, [
        g.ehealthCode,
        g.expireTime,
        g.generatedMs,
        g.appId,
        g.generateNo,
        token,
      ]),
    );
    if (r.rowCount === 1) return true;
    return (await this.findGenerate(g.appId, g.generateNo))?.ehealthCode === g.ehealthCode;
  }

  async abandonGenerate(appId: string, generateNo: string, token: string): Promise<void> {
    await this.idempotent(() => this.cluster.query(SQL.abandonGenerate, [appId, generateNo, token]));
  }

  async rememberRequest(digest: string, timestampMs: number): Promise<boolean> {
    try {
      return await this.digests.submit({ digest: digest.toLowerCase(), timestampMs });
    } catch (e) {
      throw unavailable(e);
    }
  }

  async pruneRequests(timestampBeforeMs: number): Promise<number> {
    return (
      (await this.idempotent(() => this.cluster.query(SQL.pruneRequests, [timestampBeforeMs]))).rowCount ?? 0
    );
  }

  async pruneUsedCodes(generatedBeforeMs: number): Promise<number> {
    return (await this.one<{ n: number }>(SQL.prune, [generatedBeforeMs]))?.n ?? 0;
  }

  async oldestUsedCodeMs(): Promise<number | undefined> {
    const m = (await this.one<{ m: number | null }>(SQL.oldest, []))?.m;
    return m === null || m === undefined ? undefined : m;
  }

  async insertUseRecords(
    records: readonly UseRecord[],
    appId: string,
    receivedMs: number,
  ): Promise<InsertUseRecordsResult> {
    // Idempotent by record id: a batch whose commit was lost is sent again as a whole.
    const stored = await this.idempotent(() =>
      this.cluster.transaction(async (client) => {
        let n = 0;
        for (const r of records) {
          const res = await client.query({
            name: SQL.insertUse.name,
            text: SQL.insertUse.text,
            values: [
              r.recordId,
              r.ehcId,
              r.codeKind ?? null,
              r.medStepCode,
              r.terminalCode,
              r.channelCode,
              r.useTime,
              r.orgCode ?? null,
              appId,
              receivedMs,
            ],
          });
          n += res.rowCount ?? 0;
        }
        return n;
      }),
    );
    return { stored, duplicates: records.length - stored };
  }

  async queryUseRecords(q: UseRecordQuery): Promise<readonly StoredUseRecord[]> {
    const after = q.afterSeq ?? 0;
    let rows: UseRecordRow[];
    if (q.ehcId !== undefined && q.terminalCode !== undefined) {
      rows = await this.rows(SQL.useByBoth, [q.ehcId, q.terminalCode, after, q.limit]);
    } else if (q.ehcId !== undefined) {
      rows = await this.rows(SQL.useByEhc, [q.ehcId, after, q.limit]);
    } else if (q.terminalCode !== undefined) {
      rows = await this.rows(SQL.useByTerminal, [q.terminalCode, after, q.limit]);
    } else {
      rows = await this.rows(SQL.useAll, [after, q.limit]);
    }
    return rows.map(useRecordFromRow);
  }

  async upsertTerminal(t: TerminalRecord): Promise<void> {
    await this.idempotent(() =>
      this.cluster.query(SQL.upsertTerminal, [t.terminalCode, t.name, t.orgCode, t.enabled]),
    );
    this.terminalCache.delete(t.terminalCode);
  }

  async findTerminal(terminalCode: string): Promise<TerminalRecord | undefined> {
    const now = Date.now();
    const cached = this.terminalCache.get(terminalCode);
    if (cached !== undefined && now - cached.at < TERMINAL_CACHE_MS) return cached.t;
    const r = await this.one<TerminalRow>(SQL.terminal, [terminalCode]);
    if (r === undefined) {
      this.terminalCache.delete(terminalCode);
      return undefined;
    }
    const t = terminalFromRow(r);
    this.terminalCache.set(terminalCode, { t, at: now });
    return t;
  }

  async listTerminals(): Promise<readonly TerminalRecord[]> {
    return (await this.rows<TerminalRow>(SQL.terminals, [])).map(terminalFromRow);
  }

  async counts(): Promise<StoreCounts> {
    const r = await this.one<StoreCounts>(SQL.counts, []);
    if (r === undefined) throw new Error('counts returned no row');
    return r;
  }

  async backup(_file: string): Promise<void> {
    throw new StoreError(
      'CENTRAL_SETUP_BACKUP',
      'the PostgreSQL store is backed up by the database (the standby, pg_dump or pg_basebackup), not by the service',
    );
  }

  async restore(_file: string): Promise<void> {
    throw new StoreError(
      'CENTRAL_SETUP_RESTORE',
      'the PostgreSQL store is restored with the database tools (pg_restore), not by the service',
    );
  }

  status(): StoreStatus {
    const active = this.cluster.activeHost;
    return {
      kind: 'postgres',
      state: this.cluster.state,
      ...(active === undefined ? {} : { activeHost: active }),
      reconnects: this.cluster.reconnects,
    };
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }
}
