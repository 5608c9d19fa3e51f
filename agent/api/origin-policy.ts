import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/**
 * Which requests may reach the API at all, whoever holds a token: a web page in the kiosk browser
 * (any site, or another service on this machine) must not drive it. Checked on every request,
 * WebSocket upgrades and unknown routes included, before authentication:
 *
 * - `Host` must name an IP address, `localhost`, the bound host or a host of `allowedOrigins`:
 *   a DNS name an attacker points at 127.0.0.1 (DNS rebinding) is refused (`API_HOST_REFUSED`, 421).
 * - `Origin`, when sent, must be the agent's own (`<scheme>://<Host>`) or one of `allowedOrigins`;
 *   anything else, `null` included, is refused (`API_ORIGIN_REFUSED`, 403).
 * - `Sec-Fetch-Site: cross-site | same-site` (a browser's request from another page, even one that
 *   sends no `Origin`: images, scripts, forms) is refused unless its `Origin` is allowed.
 *
 * The API never answers with `Access-Control-Allow-*` headers: a browser's preflight is refused
 * like any other cross-origin request, so no other origin can read a response.
 */
export interface OriginPolicy {
  readonly scheme: 'http' | 'https';
  /** The host the API binds (an IP address or a name). */
  readonly bindHost: string;
  /** Exact origins (`scheme://host[:port]`, lower case) allowed besides the agent's own. */
  readonly allowedOrigins: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost']);

/** `host[:port]` of a Host header → the host name, lower case, IPv6 without brackets. */
export function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** Normalises an origin for comparison (lower case, no trailing slash); undefined if malformed. */
export function normaliseOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

export class RequestSourceCheck {
  readonly #scheme: string;
  readonly #hosts: Set<string>;
  readonly #origins: Set<string>;

  constructor(policy: OriginPolicy) {
    this.#scheme = policy.scheme;
    this.#origins = new Set();
    this.#hosts = new Set([...LOOPBACK_NAMES, hostNameOf(policy.bindHost)]);
    for (const [i, o] of policy.allowedOrigins.entries()) {
      const n = normaliseOrigin(o);
      if (n === undefined || n !== o.toLowerCase().replace(/\/$/, '')) {
        throw new ApiError(
          'API_INVALID_OPTION',
          `allowedOrigins[${i}] must be an origin like https://host:port`,
        );
      }
      this.#origins.add(n);
      this.#hosts.add(new URL(n).hostname.replace(/^\[|\]$/g, ''));
    }
  }

  /** Throws `API_HOST_REFUSED` / `API_ORIGIN_REFUSED` for a request that may not be served. */
  check(headers: {
    readonly host?: string | undefined;
    readonly origin?: string | undefined;
    readonly secFetchSite?: string | undefined;
  }): void {
    const host = headers.host ?? '';
    const name = hostNameOf(host);
    if (name === '' || (isIP(name) === 0 && !this.#hosts.has(name))) {
      throw new ApiError('API_HOST_REFUSED', 'the Host header names no address of this agent');
    }
    const origin = headers.origin === undefined ? undefined : normaliseOrigin(headers.origin);
    const listed = origin !== undefined && this.#origins.has(origin);
    if (
      headers.origin !== undefined &&
      !listed &&
      origin !== `${this.#scheme}://${host.trim().toLowerCase()}`
    ) {
      throw new ApiError('API_ORIGIN_REFUSED', 'cross-origin requests are refused');
    }
    const site = headers.secFetchSite?.toLowerCase();
    if ((site === 'cross-site' || site === 'same-site') && !listed) {
      throw new ApiError('API_ORIGIN_REFUSED', 'cross-site requests are refused');
    }
  }

  /** A fastify `onRequest` hook applying `check`. */
  hook(): (request: FastifyRequest) => Promise<void> {
    return async (request) => {
      const h = request.headers;
      this.check({
        host: h.host,
        origin: typeof h.origin === 'string' ? h.origin : undefined,
        secFetchSite: typeof h['sec-fetch-site'] === 'string' ? h['sec-fetch-site'] : undefined,
      });
    };
  }
}
