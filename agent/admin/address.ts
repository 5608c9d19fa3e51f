import { BlockList, isIPv4, isIPv6 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
// IPv4-mapped IPv6 (::ffff:127.x.y.z, also written ::ffff:7f00:1) is matched by the ipv4 rule.

/**
 * True only when `address` (a socket's remote address, never a header) is a loopback address:
 * 127.0.0.0/8, ::1, or an IPv4-mapped ::ffff:127.x.y.z. Anything else — another address, an
 * empty or missing one, a host name, garbage — is not local (fail closed).
 */
export function isLoopbackAddress(address: string | undefined | null): boolean {
  if (typeof address !== 'string' || address.length === 0 || address.length > 64) return false;
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  if (isIPv4(bare)) return LOOPBACK.check(bare, 'ipv4');
  if (isIPv6(bare)) return LOOPBACK.check(bare, 'ipv6');
  return false;
}
