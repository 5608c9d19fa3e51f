import { decodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import { Call } from './call.js';
import type { HsmConnection } from './connection.js';
import type { Deadlines } from './deadlines.js';
import { okResult, unavailable } from './results.js';

/**
 * A heartbeat: the diagnostics command (NC) on one connection. Resolves true on a well-formed
 * `00` reply within `timeoutMs`, false otherwise (never rejects).
 */
export function probe(conn: HsmConnection, deadlines: Deadlines, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const call = new Call(
      'NC',
      encodeRequest(0, 'NC', {}),
      (body) => {
        const r = decodeReply(body, 'NC');
        return r.ok && r.value.success
          ? okResult(true)
          : unavailable('malformed-reply', 'bad heartbeat reply');
      },
      (r) => resolve(r.status === 'ok'),
      timeoutMs,
      () => {},
    );
    deadlines.add(call, timeoutMs);
    conn.send(call as Call<unknown>);
  });
}
