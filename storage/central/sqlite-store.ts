import { existsSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { prepareDatabaseFile } from '../file-mode.js';
import { type Db, migrateSqlite, openSqlite, sqliteSchemaVersion } from '../sqlite.js';
import { WalCheckpointer } from './checkpointer.js';
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
import { GroupCommit } from './group-commit.js';
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
import { CENTRAL_MIGRATIONS, CENTRAL_SCOPE, CENTRAL_TABLES } from './sqlite-schema.js';

export interface StoreOpenOptions {
  /** Worker-thread WAL checkpoints every this many ms (default 1000); 0 = SQLite's own. */
  readonly checkpointIntervalMs?: number;
  /**
   * WAL frames (4-KiB pages) at which the serving connection finishes a worker's checkpoint
   * itself so the log starts over (default 16,384 = 64 MiB, the `journal_size_limit`).
   */
  readonly walRestartFrames?: number;
  readonly onCheckpointError?: (info: { name?: string; code?: string }) => void;
}

/** 64 MiB of 4-KiB pages: see `StoreOpenOptions.walRestartFrames`. */
const WAL_RESTART_FRAMES = 16_384;

const MERGED_ON_RESTORE: ReadonlySet<string> = new Set([
  'used_codes',
  'issued_codes',
  'generated_codes',
  'request_digests',
]);

/**
 * `CentralStore` on SQLite (better-sqlite3, WAL). Every statement is prepared once here; the
 * check-and-set operations are single statements (INSERT … ON CONFLICT DO NOTHING, conditional
 * UPDATE), so they stay atomic however many requests the server handles at once.
 */
export class SqliteCentralStore implements CentralStore {
  readonly kind = 'sqlite' as const;
  private readonly s: ReturnType<typeof prepare>;
  private readonly insertBatch: (records: readonly UseRecord[], appId: string, at: number) => number;
  private closed = false;
  private checkpointer: WalCheckpointer | undefined;
  /** Every write: one transaction per event-loop turn (group-commit.ts). */
  private readonly tx: GroupCommit;
  /** Registered terminals by code (positive entries only: unknown codes always ask the table). */
  private readonly terminalCache = new Map<string, TerminalRecord>();

  constructor(private readonly db: Db) {
    migrateSqlite(db, CENTRAL_SCOPE, CENTRAL_MIGRATIONS);
    this.s = prepare(db);
    this.tx = new GroupCommit(db);
    const insertUse = this.s.insertUse;
    this.insertBatch = db.transaction((records: readonly UseRecord[], appId: string, at: number) => {
      let stored = 0;
      for (const r of records) {
        stored += insertUse.run(
          r.recordId,
          r.ehcId,
          r.codeKind ?? null,
          r.medStepCode,
          r.terminalCode,
          r.channelCode,
          r.useTime,
          r.orgCode ?? null,
          appId,
          at,
        ).changes;
      }
      return stored;
    });
  }

  /**
   * Opens (creating and migrating) the database at `file` (`:memory:` for a throwaway one). A
   * file database gets its WAL checkpoints from a worker thread (see checkpointer.ts).
   */
  static open(file: string, opts: StoreOpenOptions = {}): SqliteCentralStore {
    const db = openSqlite(file, { server: true });
    let store: SqliteCentralStore;
    try {
      store = new SqliteCentralStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
    if (file !== ':memory:' && opts.checkpointIntervalMs !== 0) {
      db.pragma('wal_autocheckpoint = 0');
      store.checkpointer = WalCheckpointer.start({
        file,
        ...(opts.checkpointIntervalMs === undefined ? {} : { intervalMs: opts.checkpointIntervalMs }),
        ...(opts.onCheckpointError === undefined ? {} : { onError: opts.onCheckpointError }),
        onCheckpointed: ({ log }) => {
          if (store.closed || log < (opts.walRestartFrames ?? WAL_RESTART_FRAMES)) return;
          // The queued writes go first; then, with no write in between (this thread is the
          // only writer), the log is fully checkpointed and the next write restarts it.
          store.tx.commit();
          try {
            db.pragma('wal_checkpoint(PASSIVE)');
          } catch (e) {
            const code = (e as { code?: unknown }).code;
            opts.onCheckpointError?.({
              name: (e as Error).name,
              ...(typeof code === 'string' ? { code } : {}),
            });
          }
        },
        onExit: () => {
          if (!store.closed) db.pragma('wal_autocheckpoint = 1000');
        },
      });
    }
    return store;
  }

  async insertCard(card: CardRecord): Promise<InsertCardResult> {
    if ((await this.tx.run(() => this.s.insertCard.run(cardToRow(card)).changes)) === 1) {
      return { inserted: true };
    }
    const existing =
      (this.s.cardByRegisterNo.get(card.registerNo) as CardRow | undefined) ??
      (this.s.cardByPerson.get(card.idType, card.idNo) as CardRow | undefined) ??
      (this.s.cardByEhcId.get(card.ehcId) as CardRow | undefined);
    if (existing === undefined) throw new Error('card insert conflicted with no visible row');
    return { inserted: false, existing: cardFromRow(existing) };
  }

  async findCardByEhcId(ehcId: string): Promise<CardRecord | undefined> {
    const r = this.s.cardByEhcId.get(ehcId) as CardRow | undefined;
    return r === undefined ? undefined : cardFromRow(r);
  }

  async findCardByPerson(idType: string, idNo: string): Promise<CardRecord | undefined> {
    const r = this.s.cardByPerson.get(idType, idNo) as CardRow | undefined;
    return r === undefined ? undefined : cardFromRow(r);
  }

  async findCardByRegisterNo(registerNo: string): Promise<CardRecord | undefined> {
    const r = this.s.cardByRegisterNo.get(registerNo) as CardRow | undefined;
    return r === undefined ? undefined : cardFromRow(r);
  }

  async closeCard(ehcId: string, revokeNo: string, closedMs: number): Promise<CloseCardResult> {
    if ((await this.tx.run(() => this.s.closeCard.run(closedMs, revokeNo, ehcId).changes)) === 1) {
      return 'closed';
    }
    return this.s.cardByEhcId.get(ehcId) === undefined ? 'unknown' : 'already-closed';
  }

  claimCode(c: CodeClaim): Promise<ClaimResult> {
    return this.tx.run((): ClaimResult => {
      const uses = this.s.claim.get(
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
    });
  }

  async recordGenerate(g: GeneratedCode): Promise<GeneratedCode> {
    const stored = await this.tx.run(() => {
      this.s.insertGenerate.run(g.appId, g.generateNo, g.ehcId, g.ehealthCode, g.expireTime, g.generatedMs);
      return this.s.generateByNo.get(g.appId, g.generateNo) as GeneratedRow | undefined;
    });
    if (stored === undefined) throw new Error('generate insert conflicted with no visible row');
    return generatedFromRow(stored);
  }

  async findGenerate(appId: string, generateNo: string): Promise<GeneratedCode | undefined> {
    const r = this.s.generateByNo.get(appId, generateNo) as GeneratedRow | undefined;
    return r === undefined ? undefined : generatedFromRow(r);
  }

  async completeGenerate(token: string, g: GeneratedCode): Promise<boolean> {
    const changes = await this.tx.run(
      () =>
        this.s.completeGenerate.run(g.ehealthCode, g.expireTime, g.generatedMs, g.appId, g.generateNo, token)
          .changes,
    );
    return changes === 1;
  }

  async abandonGenerate(appId: string, generateNo: string, token: string): Promise<void> {
    await this.tx.run(() => this.s.abandonGenerate.run(appId, generateNo, token));
  }

  async rememberRequest(digest: string, timestampMs: number): Promise<boolean> {
    const d = digest.toLowerCase();
    return (await this.tx.run(() => this.s.rememberRequest.run(d, timestampMs).changes)) === 1;
  }

  async pruneRequests(timestampBeforeMs: number): Promise<number> {
    return this.tx.run(() => this.s.pruneRequests.run(timestampBeforeMs).changes);
  }

  status(): StoreStatus {
    return { kind: 'sqlite', state: this.closed ? 'unavailable' : 'connected', reconnects: 0 };
  }

  async reserveCodeSecond(ehcId: string, latestMs: number, earliestMs: number): Promise<number | undefined> {
    // One INSERT … ON CONFLICT DO NOTHING per candidate: the primary key decides, so the same
    // loop stays correct for several instances on one database (a PostgreSQL adapter).
    return this.tx.run(() => {
      for (let ms = latestMs; ms >= earliestMs; ms -= 1000) {
        if (this.s.issue.run(ms, ehcId).changes === 1) return ms;
      }
      return undefined;
    });
  }

  async pruneUsedCodes(generatedBeforeMs: number): Promise<number> {
    return this.tx.run(
      () =>
        this.s.prune.run(generatedBeforeMs).changes +
        this.s.pruneIssued.run(generatedBeforeMs).changes +
        this.s.pruneGenerated.run(generatedBeforeMs).changes,
    );
  }

  async oldestUsedCodeMs(): Promise<number | undefined> {
    const used = this.s.oldestUsed.get();
    const issued = this.s.oldestIssued.get();
    const all = [used, issued].filter((v): v is number => typeof v === 'number');
    return all.length === 0 ? undefined : Math.min(...all);
  }

  async insertUseRecords(
    records: readonly UseRecord[],
    appId: string,
    receivedMs: number,
  ): Promise<InsertUseRecordsResult> {
    // A transaction function inside the turn's transaction runs as a savepoint.
    const stored = await this.tx.run(() => this.insertBatch(records, appId, receivedMs));
    return { stored, duplicates: records.length - stored };
  }

  async queryUseRecords(q: UseRecordQuery): Promise<readonly StoredUseRecord[]> {
    const after = q.afterSeq ?? 0;
    let rows: unknown[];
    if (q.ehcId !== undefined && q.terminalCode !== undefined) {
      rows = this.s.useByBoth.all(q.ehcId, q.terminalCode, after, q.limit);
    } else if (q.ehcId !== undefined) {
      rows = this.s.useByEhc.all(q.ehcId, after, q.limit);
    } else if (q.terminalCode !== undefined) {
      rows = this.s.useByTerminal.all(q.terminalCode, after, q.limit);
    } else {
      rows = this.s.useAll.all(after, q.limit);
    }
    return (rows as UseRecordRow[]).map(useRecordFromRow);
  }

  async upsertTerminal(t: TerminalRecord): Promise<void> {
    await this.tx.run(() => this.s.upsertTerminal.run(t.terminalCode, t.name, t.orgCode, t.enabled ? 1 : 0));
    this.terminalCache.delete(t.terminalCode);
  }

  async findTerminal(terminalCode: string): Promise<TerminalRecord | undefined> {
    const cached = this.terminalCache.get(terminalCode);
    if (cached !== undefined) return cached;
    const r = this.s.terminal.get(terminalCode) as TerminalRow | undefined;
    if (r === undefined) return undefined;
    const t = terminalFromRow(r);
    this.terminalCache.set(terminalCode, t);
    return t;
  }

  async listTerminals(): Promise<readonly TerminalRecord[]> {
    return (this.s.terminals.all() as TerminalRow[]).map(terminalFromRow);
  }

  async counts(): Promise<StoreCounts> {
    return this.s.counts.get() as StoreCounts;
  }

  async backup(file: string): Promise<void> {
    this.tx.commit();
    // A backup holds the same personal data: created 0600 like the database (file-mode.ts).
    prepareDatabaseFile(file);
    try {
      await this.db.backup(file);
    } catch (e) {
      throw new StoreError('CENTRAL_SETUP_BACKUP', 'backup failed', { cause: e });
    }
  }

  async restore(file: string): Promise<void> {
    if (!existsSync(file)) {
      throw new StoreError('CENTRAL_SETUP_RESTORE', 'the backup file does not exist');
    }
    this.tx.commit(); // ATTACH cannot run inside a transaction
    try {
      this.db.prepare('ATTACH DATABASE ? AS restore_src').run(file);
    } catch (e) {
      throw new StoreError('CENTRAL_SETUP_RESTORE', 'cannot open the backup file', { cause: e });
    }
    try {
      const v = sqliteSchemaVersion(this.db, CENTRAL_SCOPE, 'restore_src');
      const ours = sqliteSchemaVersion(this.db, CENTRAL_SCOPE);
      if (v !== ours) {
        throw new StoreError('CENTRAL_SETUP_RESTORE', `backup has schema version ${v}, this service ${ours}`);
      }
      this.terminalCache.clear();
      this.db.transaction(() => {
        for (const t of CENTRAL_TABLES) {
          // Used codes are merged, never rolled back: a code used after the backup was taken
          // must stay used, or a restore would reopen it for replay. Issued seconds, generate
          // answers and request digests likewise (no code handed out twice, no request replayed).
          if (MERGED_ON_RESTORE.has(t)) {
            this.db.exec(`INSERT OR IGNORE INTO main.${t} SELECT * FROM restore_src.${t};`);
          } else {
            this.db.exec(`DELETE FROM main.${t}; INSERT INTO main.${t} SELECT * FROM restore_src.${t};`);
          }
        }
      })();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError('CENTRAL_SETUP_RESTORE', 'restore failed', { cause: e });
    } finally {
      this.db.exec('DETACH DATABASE restore_src');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tx.commit();
    await this.checkpointer?.close();
    this.db.close();
  }
}

function prepare(db: Db) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    insertCard: st(
      `INSERT INTO cards (${CARD_COLUMNS}) VALUES (@ehc_id, @main_index_id, @register_no, @app_id, @id_type, @id_no, @name, @gender, @birthday, @cellphone, @details, @status, @registered_ms, @closed_ms, @revoke_no) ON CONFLICT DO NOTHING`,
    ),
    cardByEhcId: st(`SELECT ${CARD_COLUMNS} FROM cards WHERE ehc_id = ?`),
    cardByRegisterNo: st(`SELECT ${CARD_COLUMNS} FROM cards WHERE register_no = ?`),
    cardByPerson: st(`SELECT ${CARD_COLUMNS} FROM cards WHERE id_type = ? AND id_no = ?`),
    closeCard: st(
      "UPDATE cards SET status = 'closed', closed_ms = ?, revoke_no = ? WHERE ehc_id = ? AND status = 'active'",
    ),
    // One statement: the first claim inserts; a later one adds a use only while uses < maxUses.
    claim: st(
      `INSERT INTO used_codes (generated_ms, ehc_id, validity, used_ms, terminal_code, uses, claim_id)
       VALUES (?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT (generated_ms, ehc_id, validity) DO UPDATE
         SET uses = used_codes.uses + 1, used_ms = excluded.used_ms,
             terminal_code = excluded.terminal_code, claim_id = excluded.claim_id
         WHERE used_codes.uses < ?
       RETURNING uses`,
    ).pluck(),
    insertGenerate: st(
      'INSERT INTO generated_codes (app_id, generate_no, ehc_id, ehealth_code, expire_time, generated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    generateByNo: st(
      'SELECT app_id, generate_no, ehc_id, ehealth_code, expire_time, generated_ms FROM generated_codes WHERE app_id = ? AND generate_no = ?',
    ),
    completeGenerate: st(
      'UPDATE generated_codes SET ehealth_code = ?, expire_time = ?, generated_ms = ? WHERE app_id = ? AND generate_no = ? AND ehealth_code = ?',
    ),
    abandonGenerate: st(
      'DELETE FROM generated_codes WHERE app_id = ? AND generate_no = ? AND ehealth_code = ?',
    ),
    pruneGenerated: st('DELETE FROM generated_codes WHERE generated_ms < ?'),
    rememberRequest: st(
      'INSERT INTO request_digests (digest, timestamp_ms) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),
    pruneRequests: st('DELETE FROM request_digests WHERE timestamp_ms < ?'),
    issue: st('INSERT INTO issued_codes (generated_ms, ehc_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    prune: st('DELETE FROM used_codes WHERE generated_ms < ?'),
    pruneIssued: st('DELETE FROM issued_codes WHERE generated_ms < ?'),
    oldestIssued: st('SELECT generated_ms FROM issued_codes ORDER BY generated_ms LIMIT 1').pluck(),
    oldestUsed: st('SELECT generated_ms FROM used_codes ORDER BY generated_ms LIMIT 1').pluck(),
    insertUse: st(
      'INSERT INTO use_records (record_id, ehc_id, code_kind, med_step_code, terminal_code, channel_code, use_time, org_code, app_id, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(record_id) DO NOTHING',
    ),
    useAll: st(`SELECT ${USE_COLUMNS} FROM use_records WHERE seq > ? ORDER BY seq LIMIT ?`),
    useByEhc: st(`SELECT ${USE_COLUMNS} FROM use_records WHERE ehc_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
    useByTerminal: st(
      `SELECT ${USE_COLUMNS} FROM use_records WHERE terminal_code = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    useByBoth: st(
      `SELECT ${USE_COLUMNS} FROM use_records WHERE ehc_id = ? AND terminal_code = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    upsertTerminal: st(
      'INSERT INTO terminals (terminal_code, name, org_code, enabled) VALUES (?, ?, ?, ?) ON CONFLICT(terminal_code) DO UPDATE SET name = excluded.name, org_code = excluded.org_code, enabled = excluded.enabled',
    ),
    terminal: st('SELECT terminal_code, name, org_code, enabled FROM terminals WHERE terminal_code = ?'),
    terminals: st('SELECT terminal_code, name, org_code, enabled FROM terminals ORDER BY terminal_code'),
    counts: st(
      `SELECT (SELECT count(*) FROM cards) AS cards,
              (SELECT count(*) FROM cards WHERE status = 'closed') AS closedCards,
              (SELECT count(*) FROM used_codes) AS usedCodes,
              (SELECT count(*) FROM use_records) AS useRecords,
              (SELECT count(*) FROM terminals) AS terminals`,
    ),
  };
}
