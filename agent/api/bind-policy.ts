import { isLoopbackAddress } from '../admin/index.js';
import { ApiError } from './errors.js';

/** `localhost` or a loopback address. `0.0.0.0`, `::` and every other address are remote. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/**
 * Spec §5.1.1-6/7: a link that leaves the machine is encrypted. Returns a warning to log when a
 * remote bind without TLS was explicitly allowed; throws API_INSECURE_REMOTE_BIND when it was not.
 */
export function checkBind(host: string, tls: boolean, allowInsecureRemote: boolean): string | undefined {
  if (tls || isLoopbackHost(host)) return undefined;
  if (!allowInsecureRemote) {
    throw new ApiError(
      'API_INSECURE_REMOTE_BIND',
      `refusing to serve ${host} without TLS: give a certificate, bind 127.0.0.1, or set allowInsecureRemote`,
    );
  }
  return `serving ${host} without TLS (allowInsecureRemote): traffic leaving this machine is not encrypted`;
}
