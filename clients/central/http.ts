import { isEhcErrorCode } from '../../protocol/errors.js';

/**
 * One bounded HTTP POST: a deadline over the whole exchange (headers and body) and a cap on the
 * body read. Resolves, never rejects.
 */
export type PostOutcome = { readonly ok: true; readonly status: number; readonly text: string } | PostFailure;

export interface PostFailure {
  readonly ok: false;
  readonly reason: 'timeout' | 'aborted' | 'connection' | 'reply-too-large';
  /**
   * `request`: the transport had produced no reply yet (no `Response`: with the global fetch, no
   * status line or headers; with `httpsFetch`, no complete reply); `reply`: a reply had begun.
   */
  readonly phase: 'request' | 'reply';
  /** The network error's code (`ECONNREFUSED`, `ECONNRESET`, …) for `connection`. */
  readonly code?: string;
  readonly message: string;
  readonly cause?: unknown;
}

export interface PostOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
  readonly fetch: typeof fetch;
}

export async function postJson(url: string, body: string, opts: PostOptions): Promise<PostOutcome> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
  let phase: PostFailure['phase'] = 'request';
  try {
    const res = await opts.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body,
      signal,
    });
    phase = 'reply';
    const text = await readBounded(res, opts.maxBytes);
    if (text === undefined) {
      return {
        ok: false,
        reason: 'reply-too-large',
        phase,
        message: `reply larger than ${opts.maxBytes} bytes`,
      };
    }
    return { ok: true, status: res.status, text };
  } catch (e) {
    if (deadline.aborted) {
      return {
        ok: false,
        reason: 'timeout',
        phase,
        message: `no complete reply within ${opts.timeoutMs} ms`,
        cause: e,
      };
    }
    if (opts.signal?.aborted)
      return { ok: false, reason: 'aborted', phase, message: 'call aborted', cause: e };
    if (isEhcErrorCode(e, 'CENTRAL_CLIENT_REPLY_TOO_LARGE'))
      return { ok: false, reason: 'reply-too-large', phase: 'reply', message: e.message };
    const code = errorCode(e);
    return { ok: false, reason: 'connection', phase, code, message: `connection failed: ${code}`, cause: e };
  }
}

/** The body as UTF-8 text, or undefined once it exceeds `max` bytes (the rest is discarded). */
async function readBounded(res: Response, max: number): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > max || res.body === null) {
    await res.body?.cancel().catch(() => undefined);
    return declared > max ? undefined : '';
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short, safe description of a network error (its code, not its text). */
function errorCode(e: unknown): string {
  let x: unknown = e;
  for (let depth = 0; depth < 4 && typeof x === 'object' && x !== null; depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    x = (x as { cause?: unknown }).cause;
  }
  return e instanceof Error ? e.name : 'unknown error';
}
