/**
 * The central service's data layer. Types only; behaviour is in the doc comments.
 *
 * Every method is async so that a PostgreSQL implementation (several service instances sharing
 * one database) can follow without changing the callers. The SQLite implementation
 * (`SqliteCentralStore`) answers from synchronous better-sqlite3 statements.
 *
 * Contracts every implementation keeps:
 * - `insertCard` is one atomic statement: of two concurrent inserts with the same `registerNo` (or
 *   the same person) exactly one is stored; the other gets the stored record back.
 * - `claimCode` is one atomic check-and-set: of any number of concurrent claims of the same
 *   (EHC-ID, validity) pair exactly one returns `true`, also across service instances.
 * - `reserveCodeSecond` is atomic per (EHC-ID, second): of any number of concurrent reservations
 *   for one card, also across service instances, no two get the same second (a unique key and
 *   insert-or-step, never an in-process check).
 * - `insertUseRecords` stores each record id at most once; a batch is one transaction.
 * - Values are stored as given: the caller validates and masks; the store never logs.
 */

export type CardStatus = 'active' | 'closed';

/** Optional holder details, stored as given (free-form fields of the register method). */
export type CardDetails = Readonly<Record<string, string>>;

export interface CardRecord {
  /** Upper-case hex, derived by the cipher machine. */
  readonly ehcId: string;
  /** 64 upper-case hex: the main-index ID (主索引ID) the EHC-ID was derived from. */
  readonly mainIndexId: string;
  /** The registering institution's request number: the idempotency key of registration. */
  readonly registerNo: string;
  /** The app that registered the card. */
  readonly appId: string;
  readonly idType: string;
  readonly idNo: string;
  readonly name: string;
  readonly gender: string;
  readonly birthday: string;
  readonly cellphone: string;
  readonly details: CardDetails;
  readonly status: CardStatus;
  readonly registeredMs: number;
  readonly closedMs?: number;
  readonly revokeNo?: string;
}

export type InsertCardResult =
  | { readonly inserted: true }
  /** A card with this `registerNo`, or for this person, exists already: here it is. */
  | { readonly inserted: false; readonly existing: CardRecord };

export type CloseCardResult = 'closed' | 'already-closed' | 'unknown';

export interface CodeClaim {
  readonly ehcId: string;
  /** The dynamic code's validity block (32 upper-case hex). */
  readonly validity: string;
  /**
   * The generation time the validity block decrypts to (ms). Part of the key: the same code
   * always decrypts to the same time, so the claim stays unique per code.
   */
  readonly generatedMs: number;
  readonly usedMs: number;
  readonly terminalCode: string;
}

export type CodeKind = 'static' | 'dynamic' | 'temporary';

/** A card-use record (用卡数据) as a terminal reports it (`ehc.ehealthcode.usecarddate`). */
export interface UseRecord {
  /** The terminal's idempotency key: stored once. */
  readonly recordId: string;
  readonly ehcId: string;
  /** Absent when the terminal did not say. */
  readonly codeKind?: CodeKind;
  readonly medStepCode: string;
  readonly terminalCode: string;
  readonly channelCode: string;
  /** Time of use, `yyyyMMddHHmmss` (Beijing time, as on the wire). */
  readonly useTime: string;
  readonly orgCode?: string;
}

/** A stored card-use record: `seq` orders records as received (the monitoring cursor). */
export interface StoredUseRecord extends UseRecord {
  readonly seq: number;
  readonly appId: string;
  readonly receivedMs: number;
}

export interface UseRecordQuery {
  /** Only records with `seq` greater than this (a cursor from the previous page). */
  readonly afterSeq?: number;
  readonly ehcId?: string;
  readonly terminalCode?: string;
  /** At most this many records (the caller bounds it). */
  readonly limit: number;
}

export interface InsertUseRecordsResult {
  /** Records stored by this call. */
  readonly stored: number;
  /** Records whose id was already stored (left unchanged). */
  readonly duplicates: number;
}

export interface TerminalRecord {
  /** The scanner's terminal code (扫码枪终端标识号) registered with the platform. */
  readonly terminalCode: string;
  readonly name: string;
  readonly orgCode: string;
  readonly enabled: boolean;
}

export interface StoreCounts {
  readonly cards: number;
  readonly closedCards: number;
  readonly usedCodes: number;
  readonly useRecords: number;
  readonly terminals: number;
}

export interface CentralStore {
  /** Stores a new card unless its `registerNo` or person (`idType`, `idNo`) is known. */
  insertCard(card: CardRecord): Promise<InsertCardResult>;
  findCardByEhcId(ehcId: string): Promise<CardRecord | undefined>;
  findCardByPerson(idType: string, idNo: string): Promise<CardRecord | undefined>;
  findCardByRegisterNo(registerNo: string): Promise<CardRecord | undefined>;
  /** Marks the card closed; a closed card stays closed. */
  closeCard(ehcId: string, revokeNo: string, closedMs: number): Promise<CloseCardResult>;
  /** Records a dynamic code as used: `true` for the first claim, `false` if already used. */
  claimCode(claim: CodeClaim): Promise<boolean>;
  /**
   * Reserves a validity second for a new dynamic code of `ehcId`: the latest second in
   * [`earliestMs`, `latestMs`] (both whole seconds, ms) not yet reserved for this card, trying
   * `latestMs` first and stepping one second back on each conflict. Returns the reserved second
   * (ms), or `undefined` if every second in the range is taken.
   */
  reserveCodeSecond(ehcId: string, latestMs: number, earliestMs: number): Promise<number | undefined>;
  /**
   * Deletes used-code (and issued-second) rows of codes generated before `generatedBeforeMs` (codes no window check
   * can accept any more); returns how many.
   */
  pruneUsedCodes(generatedBeforeMs: number): Promise<number>;
  /** The generation time of the oldest used-code or issued-second row, if any (the pruner's cursor). */
  oldestUsedCodeMs(): Promise<number | undefined>;
  insertUseRecords(
    records: readonly UseRecord[],
    appId: string,
    receivedMs: number,
  ): Promise<InsertUseRecordsResult>;
  queryUseRecords(query: UseRecordQuery): Promise<readonly StoredUseRecord[]>;
  upsertTerminal(terminal: TerminalRecord): Promise<void>;
  findTerminal(terminalCode: string): Promise<TerminalRecord | undefined>;
  listTerminals(): Promise<readonly TerminalRecord[]>;
  counts(): Promise<StoreCounts>;
  /** Writes a consistent copy of all central data to `file` while the service runs. */
  backup(file: string): Promise<void>;
  /**
   * Replaces all central data with the copy in `file` (made by `backup`), atomically — except
   * used dynamic codes, which are merged (a code used since the backup stays used).
   */
  restore(file: string): Promise<void>;
  close(): Promise<void>;
}
