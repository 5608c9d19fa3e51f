import { HsmClientError } from './errors.js';
import type { HsmEndpoint } from './types.js';

/** `host:port` (IPv6 as `[::1]:1818`) → endpoint. Throws HSM_CLIENT_BAD_ENDPOINT. */
export function parseEndpoint(text: string): HsmEndpoint {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !(port > 0 && port <= 0xffff)) {
    throw new HsmClientError(
      'HSM_CLIENT_BAD_ENDPOINT',
      `cipher machine address must be host:port, got "${text}"`,
    );
  }
  return { host: (m[1] ?? m[2])!, port };
}

export function formatEndpoint(e: HsmEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
