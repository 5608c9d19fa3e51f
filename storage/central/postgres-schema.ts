/**
 * The central data schema on PostgreSQL (scope `central`): the same versions as
 * sqlite-schema.ts, meaning the same tables, in PostgreSQL's types (times in ms are `bigint`).
 * Never edit a released migration; add the next version to both files.
 */
import type { Migration } from '../migration.js';

export const CENTRAL_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE cards (
        ehc_id        TEXT PRIMARY KEY,
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
        registered_ms BIGINT NOT NULL,
        closed_ms     BIGINT,
        revoke_no     TEXT,
        UNIQUE (id_type, id_no)
      );
      CREATE TABLE used_codes (
        generated_ms  BIGINT NOT NULL,
        ehc_id        TEXT NOT NULL,
        validity      TEXT NOT NULL,
        used_ms       BIGINT NOT NULL,
        terminal_code TEXT NOT NULL,
        PRIMARY KEY (generated_ms, ehc_id, validity)
      );
      CREATE TABLE use_records (
        seq             BIGSERIAL PRIMARY KEY,
        record_id       TEXT NOT NULL UNIQUE,
        ehc_id          TEXT NOT NULL,
        code_kind       TEXT,
        med_step_code   TEXT NOT NULL,
        terminal_code   TEXT NOT NULL,
        channel_code    TEXT NOT NULL,
        use_time        TEXT NOT NULL,
        org_code        TEXT,
        app_id          TEXT NOT NULL,
        received_ms     BIGINT NOT NULL
      );
      CREATE INDEX use_records_ehc ON use_records (ehc_id, seq);
      CREATE INDEX use_records_terminal ON use_records (terminal_code, seq);
      CREATE TABLE terminals (
        terminal_code TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        org_code      TEXT NOT NULL,
        enabled       BOOLEAN NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE issued_codes (
        generated_ms  BIGINT NOT NULL,
        ehc_id        TEXT NOT NULL,
        PRIMARY KEY (generated_ms, ehc_id)
      );
    `,
  },
  {
    version: 3,
    sql: `
      ALTER TABLE used_codes ADD COLUMN uses INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE used_codes ADD COLUMN claim_id TEXT;
      CREATE TABLE generated_codes (
        app_id        TEXT NOT NULL,
        generate_no   TEXT NOT NULL,
        ehc_id        TEXT NOT NULL,
        ehealth_code  TEXT NOT NULL,
        expire_time   TEXT NOT NULL,
        generated_ms  BIGINT NOT NULL,
        PRIMARY KEY (app_id, generate_no)
      );
      CREATE INDEX generated_codes_time ON generated_codes (generated_ms);
      CREATE TABLE request_digests (
        digest        TEXT PRIMARY KEY,
        timestamp_ms  BIGINT NOT NULL
      );
      CREATE INDEX request_digests_time ON request_digests (timestamp_ms);
    `,
  },
];
