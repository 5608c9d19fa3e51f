/**
 * The one TLS policy of every link the project opens or serves (spec §5.1.1-6/7): the agent's
 * local API, the cipher-machine client and the soft cipher machine, the central-service client
 * and the central service. Set explicitly on every context rather than inherited from Node's
 * defaults, which an operator's `--tls-min-v1.0`, `--tls-cipher-list` or `NODE_OPTIONS` changes
 * for the whole process. Pure data: the callers pass it to `node:tls` / `node:https`.
 */

/** TLS 1.2 or 1.3 only. */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

/**
 * Forward-secret key exchange (ECDHE) with AEAD ciphers only: no RSA key transport, no CBC, no
 * SHA-1 MACs, no static or anonymous Diffie-Hellman. TLS 1.3 suites first (all AEAD).
 */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/** The options every TLS context of the project spreads in (client and server). */
export const TLS_POLICY = {
  minVersion: TLS_MIN_VERSION,
  ciphers: TLS_CIPHERS,
  /** Servers pick from their own preference order, not the client's. */
  honorCipherOrder: true,
} as const;
