/**
 * The cipher-machine (密码机) client's public interface. The agent's verifier, the central service
 * (sim/central) and the certification runner code against `CipherMachine`; the implementation is
 * `HsmClient` (client.ts), created with `createHsmClient(options)`.
 *
 * Guarantees, for every method:
 * - The returned promise always resolves (never rejects) with exactly one `HsmResult`:
 *   `ok` (the machine answered and the answer is positive), `no` (a definite cryptographic or
 *   input "no": the validity block is expired, not yet valid or garbage, a signature does not
 *   verify, a ciphertext does not decrypt, an argument is malformed), or `unavailable` (timeout,
 *   connection lost or refused, unknown or unexpected error code, malformed reply, client closed).
 * - It resolves within the call's timeout (default 200 ms) plus the event-loop delay: a call never
 *   hangs, whatever the machine does.
 * - Only `ok` is a positive answer. A verifier maps `ok` → VALID, `no` → INVALID and
 *   `unavailable` → UNAVAILABLE, and refuses the code unless VALID (fail closed).
 * - Hex outputs are upper case; hex inputs may be either case.
 * - Key values never appear in results, messages or logs; ID numbers are only sent, never echoed.
 */

/** The machine's identity (diagnostics command), checked against the certified list (spec §5.2-3). */
export interface HsmDeviceInfo {
  readonly vendor: string;
  readonly model: string;
  readonly serial: string;
  readonly firmware: string;
  /** The machine's clock (ms since the epoch) when it answered. */
  readonly timeMs: number;
}

/** Why a call ended in a definite "no". */
export type HsmNoReason =
  /** Validity block decrypts to a time older than lifetime + skew. */
  | 'expired'
  /** Validity block decrypts to a time later than now + skew. */
  | 'not-yet-valid'
  /** Validity block decrypts to garbage (wrong key, forged, corrupted): not a time at all. */
  | 'garbage'
  /** The SM2 signature does not verify (SDR_VERIFYERR). */
  | 'bad-signature'
  /** The SM4 ciphertext does not decrypt (bad padding, SDR_ENCDATAERR). */
  | 'bad-ciphertext'
  /** An argument is malformed (checked by the client before anything is sent). */
  | 'bad-input';

/** Why a call could not get an answer. */
export type HsmUnavailableReason =
  | 'timeout'
  | 'connection-lost'
  | 'connect-failed'
  | 'malformed-reply'
  /** A known GM/T 0018 SDR_* error other than a definite "no" (key missing, hardware failure…). */
  | 'hsm-error'
  | 'unknown-error-code'
  /** Too many calls queued while no connection is open. */
  | 'overloaded'
  /** `close()` was called. */
  | 'closed';

export interface HsmOk<T> {
  readonly status: 'ok';
  readonly value: T;
}

export interface HsmNo {
  readonly status: 'no';
  readonly reason: HsmNoReason;
  readonly message: string;
  /** Validity checks: the generation time the block decrypted to (expired / not-yet-valid). */
  readonly generatedMs?: number;
  /** Validity checks: finer classification of `garbage` (`not-bcd`, `bad-padding`, `bad-date`). */
  readonly detail?: string;
}

export interface HsmUnavailable {
  readonly status: 'unavailable';
  readonly reason: HsmUnavailableReason;
  readonly message: string;
  /** The reply's 2-digit error code, when the machine answered with one. */
  readonly code?: string;
  /** The GM/T 0018 name of that code (`SDR_KEYNOTEXIST`…), when known. */
  readonly sdr?: string;
  /** The endpoint (`host:port`) the call was sent to, when it was sent. */
  readonly endpoint?: string;
}

export type HsmResult<T> = HsmOk<T> | HsmNo | HsmUnavailable;

/** Per-call options accepted by every method. */
export interface HsmCallOptions {
  /** Overrides the client's default timeout (ms) for this call. */
  readonly timeoutMs?: number;
  /**
   * Called once, before the result resolves, with the call's round trip in ms: from the socket
   * write of its request to the arrival of the chunk holding its reply (`process.hrtime`). Not
   * called for a call that got no reply (timeout, lost connection, nothing sent).
   */
  readonly onRoundTrip?: (ms: number) => void;
}

export interface ValidityBlock {
  /** 32 upper-case hex chars: the dynamic QR code's third field. */
  readonly blockHex: string;
  /** The `YYYYMMDDHHMMSS` local time it encrypts. */
  readonly digits: string;
}

export interface ValidityOptions extends HsmCallOptions {
  /** Protect key index (default: the machine's lowest-index protect key). */
  readonly keyIndex?: number;
  /** IANA zone the validity time is written in (default: the machine's, Asia/Shanghai unless set). */
  readonly timeZone?: string;
}

export interface ValidityCheckOptions extends ValidityOptions {
  /** The verifier's "now" (default: the machine's clock). */
  readonly nowMs?: number;
  /** Code lifetime in seconds (default: the machine's configuration, 60 s unless set). */
  readonly lifetimeS?: number;
  /** Clock-skew allowance in seconds (default: the machine's configuration, 5 s unless set). */
  readonly skewS?: number;
}

export interface ValidityCheck {
  /** When the code was generated (ms since the epoch). */
  readonly generatedMs: number;
  readonly digits: string;
}

export interface Sm4Options extends HsmCallOptions {
  /** Default `ecb`. */
  readonly mode?: 'ecb' | 'cbc';
  /** 16 bytes, required for CBC. */
  readonly iv?: Uint8Array;
  /** PKCS#7 padding (default true); without it the data must be whole 16-byte blocks. */
  readonly padding?: boolean;
}

export interface Sm2Options extends HsmCallOptions {
  /** The signer's ID folded into ZA (default `1234567812345678`, GB/T 35276). */
  readonly userId?: string;
}

export interface Sm3Options extends HsmCallOptions {
  /** With a public key (uncompressed `04…` or raw x‖y hex), hashes ZA ‖ data (SM2 signing digest). */
  readonly publicKeyHex?: string;
  /** The ID for ZA (default `1234567812345678`); ignored without a public key. */
  readonly userId?: string;
}

/** A snapshot of the client's connections, for health checks ("cipher machine unreachable → stop"). */
export interface HsmClientStatus {
  /** The endpoint new calls go to (`host:port`). */
  readonly active: string;
  /** True if the active endpoint has an open connection that answered recently. */
  readonly available: boolean;
  readonly endpoints: readonly {
    readonly endpoint: string;
    readonly up: boolean;
    readonly connections: number;
    readonly inFlight: number;
  }[];
  /** Calls that timed out, were failed over, or got late replies since the client started. */
  readonly counters: Readonly<Record<'timeouts' | 'failovers' | 'failbacks' | 'lateReplies', number>>;
}

export interface CipherMachine {
  /** Diagnostics / heartbeat: the device identity. */
  info(opts?: HsmCallOptions): Promise<HsmResult<HsmDeviceInfo>>;
  /** `length` (1–4096) random bytes from the machine. */
  random(length: number, opts?: HsmCallOptions): Promise<HsmResult<Buffer>>;
  /** SM3 digest (hex), with ZA folded in when a public key is given. */
  sm3(data: Uint8Array | string, opts?: Sm3Options): Promise<HsmResult<string>>;
  /** SM2 signature (r ‖ s, 128 hex) over ZA ‖ data with the key pair at `keyIndex`. */
  sm2Sign(keyIndex: number, data: Uint8Array | string, opts?: Sm2Options): Promise<HsmResult<string>>;
  /** `ok` with `true` if the signature verifies; `no` (`bad-signature`) if it does not. */
  sm2Verify(
    keyIndex: number,
    data: Uint8Array | string,
    signatureHex: string,
    opts?: Sm2Options,
  ): Promise<HsmResult<true>>;
  sm4Encrypt(keyIndex: number, data: Uint8Array, opts?: Sm4Options): Promise<HsmResult<Buffer>>;
  sm4Decrypt(keyIndex: number, data: Uint8Array, opts?: Sm4Options): Promise<HsmResult<Buffer>>;
  /** EHC-ID (64 hex) from the main-index ID and the person's ID, under the security key. */
  deriveEhcId(
    mainIndexHex: string,
    idType: string,
    idNo: string,
    opts?: HsmCallOptions & { readonly keyIndex?: number },
  ): Promise<HsmResult<string>>;
  /** A validity block for `instantMs` (default: the machine's clock) under the protect key. */
  encryptValidity(instantMs?: number, opts?: ValidityOptions): Promise<HsmResult<ValidityBlock>>;
  /** Decrypts a validity block and checks its window: `ok` only if inside it. */
  checkValidity(blockHex: string, opts?: ValidityCheckOptions): Promise<HsmResult<ValidityCheck>>;
  status(): HsmClientStatus;
  /** Calls `listener` whenever `status().available` or the active endpoint changes. Returns an unsubscribe. */
  onStatusChange(listener: (status: HsmClientStatus) => void): () => void;
  /** Closes every connection; pending calls end `unavailable` (`closed`). Idempotent. */
  close(): Promise<void>;
}

/** Where a cipher machine listens. `parseEndpoint('127.0.0.1:1818')` builds one from text. */
export interface HsmEndpoint {
  readonly host: string;
  readonly port: number;
}

/** TLS for every connection (spec §5.1.1-6/7); the machine requires a client certificate. */
export interface HsmClientTls {
  /** PEM: the CA that signed the machine's certificate. */
  readonly ca: string | Buffer;
  /** PEM: this client's certificate and key. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** Name to check the machine's certificate against (default: the endpoint's host). */
  readonly servername?: string;
}

export interface HsmClientOptions {
  /** Primary first, then standbys in order of preference (spec §5.5-6). At least one. */
  readonly endpoints: readonly HsmEndpoint[];
  readonly tls?: HsmClientTls;
  /** Default per-call timeout, ms (default 200). */
  readonly timeoutMs?: number;
  /** Connections per endpoint, each pipelining many calls (default 2). */
  readonly poolSize?: number;
  /** Connect timeout, ms (default: `timeoutMs`). */
  readonly connectTimeoutMs?: number;
  /** Heartbeat (diagnostics command) interval on each connection, ms (default 2000; 0 disables). */
  readonly heartbeatMs?: number;
  /** While on a standby, how often to probe a preferred endpoint for fail-back, ms (default 5000). */
  readonly failbackMs?: number;
  /** Calls that may wait for a connection before new ones end `overloaded` (default 10000). */
  readonly maxQueued?: number;
  /** Largest reply accepted from the machine (length field value, default 65535: any legal frame). */
  readonly maxFrameLength?: number;
  /**
   * Largest request sent (length field value, default 8192: the soft machine's limit). Bigger
   * requests end `no` (`bad-input`) locally: sent, the machine would close the connection and
   * take every call in flight on it down too.
   */
  readonly maxRequestLength?: number;
}
