import { ApiError } from './errors.js';

/**
 * Limits of the local API's HTTP server, set explicitly (Fastify's defaults disable the request
 * timeout, and Node checks the header timeout only every 30 s), so that a slow or hostile client
 * (slowloris: headers or a body dripped byte by byte) cannot hold connections open.
 */
export interface HttpLimits {
  /** The whole header block must arrive within this, ms (default 10 000). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this, ms (default 30 000). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this, ms (default 5 000). */
  readonly keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above, ms (default 1 000). */
  readonly checkIntervalMs: number;
  /** Largest header block, bytes (default 8 KiB; a larger one is answered 431). */
  readonly maxHeaderBytes: number;
  /** Most header lines read per request (default 64; the rest are dropped). */
  readonly maxHeadersCount: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxHeaderBytes: 8 * 1024,
  maxHeadersCount: 64,
};

/** The defaults with `given` applied, validated (throws `API_INVALID_OPTION`). */
export function resolveHttpLimits(given: Partial<HttpLimits> = {}): HttpLimits {
  const l = { ...DEFAULT_HTTP_LIMITS, ...given };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new ApiError('API_INVALID_OPTION', `limits.${k} must be a positive integer`);
    }
  }
  if (l.headersTimeoutMs > l.requestTimeoutMs) {
    throw new ApiError(
      'API_INVALID_OPTION',
      'limits.headersTimeoutMs must not exceed limits.requestTimeoutMs',
    );
  }
  return l;
}

/** Options for `http.createServer` / `https.createServer` (via Fastify's `http` / `https`). */
export function serverOptions(l: HttpLimits): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
  maxHeaderSize: number;
} {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: l.checkIntervalMs,
    maxHeaderSize: l.maxHeaderBytes,
  };
}
