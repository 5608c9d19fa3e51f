import { EhcError } from '../protocol/errors.js';

/**
 * Storage failures, by code: `STORE_OPEN_FAILED` (cannot open the file or reach the database),
 * `STORE_SCHEMA_NEWER` (written by a newer version: refuse rather than guess),
 * `STORE_MIGRATION_FAILED`, `STORE_UNAVAILABLE` (the database went away mid-run), `STORE_PERMISSIONS`
 * (a database or key file others can read or write).
 */
export class StoreError extends EhcError {}
