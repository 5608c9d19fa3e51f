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
 * - `claimCode` counts uses in the same statement (insert, or add one use while uses < maxUses),
 *   so `usesLeft` is exact however many instances claim at once.
 * - `recordGenerate` is one conditional insert on (app, generate_no): of concurrent generates with
 *   one number exactly one code is stored, and every caller gets that one back.
 * - `rememberRequest` is one conditional insert on the request digest: of a request sent to
 *   several instances at once exactly one gets `true`.
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
  /** Uses a dynamic code allows (the card rules; 1 = single use). */
  readonly maxUses: number;
  /**
   * A random id of this claim attempt: if the connection dies before the answer arrives, the
   * store looks the claim up by it instead of running it again.
   */
  readonly claimId: string;
}

/** The answer to a claim: accepted (with the uses the code has left) or refused (used up). */
export interface ClaimResult {
  readonly accepted: boolean;
  /** Uses left after this claim (0 when refused). */
  readonly usesLeft: number;
}

/** A dynamic code handed out for a generate request: the idempotency record of `generate_no`. */
export interface GeneratedCode {
  readonly appId: string;
  readonly generateNo: string;
  readonly ehcId: string;
  readonly ehealthCode: string;
  readonly expireTime: string;
  /** The reserved validity second (ms): the record is pruned with the code's claims. */
  readonly generatedMs: number;
}

/**
 * `ehealthCode` of a generate that is being answered (the number is taken, the code not yet
 * made): whoever stored it makes the code; the others wait for it.
 */
export const GENERATE_PENDING = 'pending:';

/** Where the store stands: for `/metrics` and health. */
export interface StoreStatus {
  readonly kind: 'sqlite' | 'postgres';
  /** `unavailable`: no database to answer (the service fails closed). */
  readonly state: 'connected' | 'connecting' | 'unavailable';
  /** PostgreSQL: the primary in use (`host:port`). */
  readonly activeHost?: string;
  /** PostgreSQL: times the store found a primary again after losing one. */
  readonly reconnects: number;
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
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Records a use of a dynamic code: accepted while the code has uses left (the first claim of a
   * single-use code), refused once it has none.
   */
  claimCode(claim: CodeClaim): Promise<ClaimResult>;
  /**
   * Stores the answer to a generate request unless one is stored for (`appId`, `generateNo`);
   * returns the stored one (this, or the earlier).
   */
  recordGenerate(code: GeneratedCode): Promise<GeneratedCode>;
  findGenerate(appId: string, generateNo: string): Promise<GeneratedCode | undefined>;
  /**
   * Fills in a placeholder stored by `recordGenerate` (its `ehealthCode` is `token`, starting with
   * `GENERATE_PENDING`): `true` if it was still that placeholder.
   */
  completeGenerate(token: string, code: GeneratedCode): Promise<boolean>;
  /** Deletes the placeholder `token` of (`appId`, `generateNo`) (the generate failed). */
  abandonGenerate(appId: string, generateNo: string, token: string): Promise<void>;
  /** Remembers a request digest: `true` if new, `false` if this request was seen (a replay). */
  rememberRequest(digest: string, timestampMs: number): Promise<boolean>;
  /** Forgets request digests with a timestamp before `timestampBeforeMs`; returns how many. */
  pruneRequests(timestampBeforeMs: number): Promise<number>;
  status(): StoreStatus;
  /**
   * Reserves a validity second for a new dynamic code of `ehcId`: the latest second in
   * [`earliestMs`, `latestMs`] (both whole seconds, ms) not yet reserved for this card, trying
   * `latestMs` first and stepping one second back on each conflict. Returns the reserved second
   * (ms), or `undefined` if every second in the range is taken.
   */
  reserveCodeSecond(ehcId: string, latestMs: number, earliestMs: number): Promise<number | undefined>;
  /**
   * Deletes used-code, issued-second and generate rows of codes generated before
   * `generatedBeforeMs` (codes no window check can accept any more); returns how many.
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
