import { CENTRAL_METHODS, type CentralMethod } from '../../protocol/central/methods.js';
import type { PostFailure } from './http.js';

/**
 * The standby retry rule (spec §5.5-1 hot standby, client side).
 *
 * A call is retried at most once, on another URL, and only when a second delivery cannot do harm:
 *
 * 1. **Never sent** — the connection was never established (refused, no route, name not found,
 *    connect timeout reported by the transport): no server can have seen the request, so any
 *    method is retried.
 * 2. **Idempotent methods** — `query` (a read), `usecarddate` (idempotent by `record_id`) and
 *    `register` (idempotent by `register_no`) are also retried after a reset or a timeout that
 *    came before any byte of a reply: running them twice gives the same state.
 * 3. **Everything else is never retried once it may have been delivered.** `verify` consumes a
 *    single-use code: a request that reached an instance which then hung or dropped the
 *    connection may already have used the code there, and a second instance would refuse the
 *    patient's valid code (or, on a split database, accept it twice). `generate` issues a new code
 *    and `close` revokes a card, so they follow the same at-most-once rule.
 *
 * A timeout never counts as "never sent": the deadline cannot tell a slow connect from a request
 * that was delivered and is being processed.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<CentralMethod> = new Set<CentralMethod>([
  CENTRAL_METHODS.query,
  CENTRAL_METHODS.usecarddate,
  CENTRAL_METHODS.register,
]);

/** Error codes that mean no connection was made, so no byte of the request left this host. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when no server can have received the request. */
export function neverSent(f: PostFailure): boolean {
  return (
    f.reason === 'connection' && f.phase === 'request' && f.code !== undefined && NOT_CONNECTED.has(f.code)
  );
}

/** Whether a failed POST of `method` may be sent again to another URL (see the rule above). */
export function mayRetryElsewhere(method: CentralMethod, f: PostFailure): boolean {
  if (neverSent(f)) return true;
  if (!IDEMPOTENT_METHODS.has(method)) return false;
  return f.phase === 'request' && (f.reason === 'connection' || f.reason === 'timeout');
}
