import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from './types.js';

/** Session tokens carry this prefix so the API can tell them from kiosk tokens. */
export const SESSION_TOKEN_PREFIX = 'ehcs_';

export interface SessionRecord {
  readonly user: string;
  readonly createdAtMs: number;
  lastSeenAtMs: number;
}

export type LookupResult =
  | { readonly ok: true; readonly record: SessionRecord }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'expired'; readonly user: string };

const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * In-memory sessions keyed by the SHA-256 of the token (the token itself is never stored, and a
 * lookup by hash does not leak the token through timing). A session idle for `idleTimeoutMs` or
 * longer is expired and removed the next time it is presented or swept. Sessions do not survive a
 * restart: users log in again.
 */
export class SessionStore {
  readonly #byHash = new Map<string, SessionRecord>();
  readonly #now: Clock;
  readonly #idleMs: number;

  constructor(now: Clock, idleTimeoutMs: number) {
    this.#now = now;
    this.#idleMs = idleTimeoutMs;
  }

  create(user: string): { token: string; record: SessionRecord } {
    const token = SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.#now();
    const record: SessionRecord = { user, createdAtMs: now, lastSeenAtMs: now };
    this.#byHash.set(digest(token), record);
    return { token, record };
  }

  /**
   * Looks the session up without marking it used. An idle one (idle timeout reached) is removed
   * and reported as expired. Call `seen` once the request is known to be allowed.
   */
  lookup(token: string): LookupResult {
    const key = digest(token);
    const record = this.#byHash.get(key);
    if (record === undefined) return { ok: false, reason: 'invalid' };
    if (this.#now() - record.lastSeenAtMs >= this.#idleMs) {
      this.#byHash.delete(key);
      return { ok: false, reason: 'expired', user: record.user };
    }
    return { ok: true, record };
  }

  /** Marks a session used now: its idle time starts again. */
  seen(record: SessionRecord): void {
    record.lastSeenAtMs = Math.max(this.#now(), record.lastSeenAtMs);
  }

  /** Ends one session; returns its user when it existed. */
  end(token: string): string | undefined {
    const key = digest(token);
    const record = this.#byHash.get(key);
    this.#byHash.delete(key);
    return record?.user;
  }

  /** Ends every session of `user` except the one holding `keepToken`. */
  endAllOf(user: string, keepToken?: string): number {
    const keep = keepToken === undefined ? undefined : digest(keepToken);
    let n = 0;
    for (const [key, record] of this.#byHash) {
      if (record.user === user && key !== keep) {
        this.#byHash.delete(key);
        n++;
      }
    }
    return n;
  }

  /** Drops expired sessions; returns the users whose sessions expired. */
  sweep(): string[] {
    const now = this.#now();
    const expired: string[] = [];
    for (const [key, record] of this.#byHash) {
      if (now - record.lastSeenAtMs >= this.#idleMs) {
        this.#byHash.delete(key);
        expired.push(record.user);
      }
    }
    return expired;
  }

  get size(): number {
    return this.#byHash.size;
  }
}
