/**
 * The central data schema, as ordered migrations (scope `central`). A migration is applied once,
 * in a transaction; never edit a released one — add the next version.
 */
import type { Migration } from '../migration.js';

export const CENTRAL_SCOPE = 'central';

export const CENTRAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE cards (
        ehc_id        TEXT PRIMARY KEY,
        -- 256 random bits from the CSPRNG: unique without an index to maintain on every insert.
        main_index_id TEXT NOT NULL,
        register_no   TEXT NOT NULL UNIQUE,
        app_id        TEXT NOT NULL,
        id_type       TEXT NOT NULL,
        id_no         TEXT NOT NULL,
        name          TEXT NOT NULL,
        gender        TEXT NOT NULL,
        birthday      TEXT NOT NULL,
        cellphone     TEXT NOT NULL,
        details       TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('active', 'closed')),
        registered_ms INTEGER NOT NULL,
        closed_ms     INTEGER,
        revoke_no     TEXT,
        UNIQUE (id_type, id_no)
      );
      -- Keyed by generation time first: a code's generation time is what its validity block
      -- decrypts to, so (generated_ms, ehc_id, validity) is unique exactly when the code is, and
      -- inserts land on the newest pages (few dirty pages per commit, cheap checkpoints) while
      -- pruning is a range delete on the key.
      CREATE TABLE used_codes (
        generated_ms  INTEGER NOT NULL,
        ehc_id        TEXT NOT NULL,
        validity      TEXT NOT NULL,
        used_ms       INTEGER NOT NULL,
        terminal_code TEXT NOT NULL,
        PRIMARY KEY (generated_ms, ehc_id, validity)
      ) WITHOUT ROWID;
      CREATE TABLE use_records (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id       TEXT NOT NULL UNIQUE,
        ehc_id          TEXT NOT NULL,
        code_kind       TEXT,
        med_step_code   TEXT NOT NULL,
        terminal_code   TEXT NOT NULL,
        channel_code    TEXT NOT NULL,
        use_time        TEXT NOT NULL,
        org_code        TEXT,
        app_id          TEXT NOT NULL,
        received_ms     INTEGER NOT NULL
      );
      CREATE INDEX use_records_ehc ON use_records (ehc_id, seq);
      CREATE INDEX use_records_terminal ON use_records (terminal_code, seq);
      CREATE TABLE terminals (
        terminal_code TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        org_code      TEXT NOT NULL,
        enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1))
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- The validity seconds handed out per card: the primary key is the decision that no two
      -- generates for one card get the same second (hence the same code), also across service
      -- instances on one database. Keyed by time first for the same reasons as used_codes.
      CREATE TABLE issued_codes (
        generated_ms  INTEGER NOT NULL,
        ehc_id        TEXT NOT NULL,
        PRIMARY KEY (generated_ms, ehc_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    sql: `
      -- Uses counted per code (surplus_num), and the id of the latest claim (looked up when a
      -- claim's answer was lost with its connection).
      ALTER TABLE used_codes ADD COLUMN uses INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE used_codes ADD COLUMN claim_id TEXT;
      -- The code handed out per generate request: generate_no is the requester's idempotency key.
      CREATE TABLE generated_codes (
        app_id        TEXT NOT NULL,
        generate_no   TEXT NOT NULL,
        ehc_id        TEXT NOT NULL,
        ehealth_code  TEXT NOT NULL,
        expire_time   TEXT NOT NULL,
        generated_ms  INTEGER NOT NULL,
        PRIMARY KEY (app_id, generate_no)
      ) WITHOUT ROWID;
      CREATE INDEX generated_codes_time ON generated_codes (generated_ms);
      -- Digests of accepted requests inside the timestamp window (shared replay detection).
      CREATE TABLE request_digests (
        digest        TEXT PRIMARY KEY,
        timestamp_ms  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX request_digests_time ON request_digests (timestamp_ms);
    `,
  },
];

/** The tables `restore` copies, in an order that respects no foreign keys (there are none). */
export const CENTRAL_TABLES = [
  'cards',
  'used_codes',
  'issued_codes',
  'generated_codes',
  'request_digests',
  'use_records',
  'terminals',
] as const;
