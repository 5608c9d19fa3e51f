import * as http from 'node:http';
import * as https from 'node:https';
import { TLS_POLICY } from '../../protocol/net/tls-policy.js';
import { CentralClientError } from './errors.js';

export interface HttpsFetchOptions {
  /** The CA that must have signed the server's certificate (PEM); default: the system store. */
  readonly ca?: string | Buffer;
  /** Connections kept per host (default 64). */
  readonly maxSockets?: number;
  /**
   * Largest reply body read, bytes (default 1 MiB): a longer one (declared or streamed) destroys
   * the connection and rejects with `CENTRAL_CLIENT_REPLY_TOO_LARGE` before more is buffered.
   */
  readonly maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

export interface FetchHandle {
  /** A `fetch` for `CentralClient` and the admin probes: HTTPS checked against `ca`, keep-alive. */
  readonly fetch: typeof fetch;
  /** Closes the kept-alive connections. */
  close(): void;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/**
 * Node's global fetch cannot be told which CA to trust (no dispatcher option without the undici
 * package), so certification brings its own: a minimal fetch over `node:https` that validates the
 * server certificate against the configured CA (the check of spec §5.1.1-6/7 depends on it) and
 * keeps connections alive like the global one. Supports what the project's clients use: method,
 * headers, a string body, an abort signal; the reply body is read whole, up to
 * `maxResponseBytes`. TLS is held to the project's policy (protocol/net/tls-policy.ts) and the
 * server's certificate and host name are always checked.
 */
export function httpsFetch(opts: HttpsFetchOptions = {}): FetchHandle {
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new CentralClientError('CENTRAL_CLIENT_BAD_OPTION', 'maxResponseBytes must be a positive integer');
  }
  const tooLarge = (): CentralClientError =>
    new CentralClientError('CENTRAL_CLIENT_REPLY_TOO_LARGE', `reply larger than ${maxBytes} bytes`);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 64,
    ...TLS_POLICY,
    rejectUnauthorized: true,
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
  });
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
  const doFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = urlOf(input);
      const secure = url.protocol === 'https:';
      const signal = init?.signal ?? undefined;
      const req = (secure ? https : http).request(
        url,
        {
          method: init?.method ?? 'GET',
          headers: headersOf(init),
          agent: secure ? agent : plainAgent,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const refuse = (): void => {
            reject(tooLarge());
            req.destroy();
          };
          if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
            refuse();
            return;
          }
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) refuse();
            else chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') headers.set(k, v);
              else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
            }
            const status = res.statusCode ?? 500;
            resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, headers }));
          });
        },
      );
      req.on('error', reject);
      const body = init?.body;
      req.end(typeof body === 'string' ? body : undefined);
    });
  return {
    fetch: doFetch as typeof fetch,
    close: () => {
      agent.destroy();
      plainAgent.destroy();
    },
  };
}

export interface JsonReply {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** One JSON request (admin API probes): never throws for HTTP statuses, only for network errors. */
export async function requestJson(
  f: typeof fetch,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
  token?: string,
): Promise<JsonReply> {
  const res = await f(url, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      json = parsed as Record<string, unknown>;
  } catch {
    json = { text: text.slice(0, 200) };
  }
  return { status: res.status, json };
}

/** `{"error":{"code":…}}` → the code (the agent API's error shape), or undefined. */
export function errorCodeOf(r: JsonReply): string | undefined {
  const e = r.json.error;
  if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')
    return (e as { code: string }).code;
  return typeof r.json.error === 'string' ? r.json.error : undefined;
}
