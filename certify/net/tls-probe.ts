import { connect as netConnect } from 'node:net';
import { type PeerCertificate, connect as tlsConnect } from 'node:tls';

/** What came back when a plaintext request was sent to a port. */
export interface PlaintextProbe {
  readonly connected: boolean;
  /** Bytes received before the peer closed or the wait ended. */
  readonly reply: Buffer;
  readonly closedByPeer: boolean;
  /** The first byte was a TLS alert record (0x15): the port speaks TLS only. */
  readonly tlsAlert: boolean;
  readonly error?: string;
}

/**
 * Connects without TLS, sends `payload` (a plaintext request of the port's protocol) and collects
 * what comes back for up to `waitMs`. A TLS-only port answers nothing usable: it closes the
 * connection or sends a TLS alert. The caller decides whether the reply parses as a plaintext
 * answer (which would mean the link is not encrypted).
 */
export function probePlaintext(
  host: string,
  port: number,
  payload: Buffer,
  waitMs = 1500,
): Promise<PlaintextProbe> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let connected = false;
    let done = false;
    const socket = netConnect({ host, port });
    const finish = (closedByPeer: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const reply = Buffer.concat(chunks);
      resolve({
        connected,
        reply,
        closedByPeer,
        tlsAlert: reply[0] === 0x15,
        ...(error === undefined ? {} : { error }),
      });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(payload);
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(true, e.code ?? e.message));
    socket.on('close', () => finish(true));
  });
}

export interface TlsProbeOptions {
  readonly host: string;
  readonly port: number;
  /** The CA the peer's certificate must chain to. */
  readonly ca?: string | Buffer;
  /** A client certificate to present (mutual TLS). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly servername?: string;
  /** Sent after the handshake; the probe then waits for an answer (TLS 1.3 refuses a client certificate only then). */
  readonly payload?: Buffer;
  readonly waitMs?: number;
}

export interface TlsProbe {
  /** The handshake completed and the peer's certificate validated against `ca`. */
  readonly handshake: boolean;
  readonly protocol?: string;
  readonly cipher?: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly validTo?: string;
  readonly subjectAltName?: string;
  /** Bytes answered to `payload` (0 if the peer closed instead). */
  readonly answered: number;
  readonly reply: Buffer;
  /** Why the handshake or the exchange failed (an OpenSSL / Node error code). */
  readonly error?: string;
}

const dn = (x: PeerCertificate['subject'] | undefined): string | undefined =>
  x === undefined
    ? undefined
    : Object.entries(x)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
        .join(', ');

/**
 * A TLS handshake that validates the peer's certificate (rejectUnauthorized), optionally with a
 * client certificate, then optionally one request. Never rejects: failures are in `error`.
 */
export function probeTls(o: TlsProbeOptions): Promise<TlsProbe> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    let info: Omit<TlsProbe, 'answered' | 'reply' | 'error'> = { handshake: false };
    const socket = tlsConnect({
      host: o.host,
      port: o.port,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      ...(o.cert === undefined ? {} : { cert: o.cert }),
      ...(o.key === undefined ? {} : { key: o.key }),
      ...(o.servername === undefined ? {} : { servername: o.servername }),
    });
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const reply = Buffer.concat(chunks);
      resolve({ ...info, answered: reply.length, reply, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish(o.payload ? undefined : 'timeout'), o.waitMs ?? 2000);
    socket.on('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      info = {
        handshake: socket.authorized,
        ...(socket.getProtocol() ? { protocol: socket.getProtocol() ?? '' } : {}),
        cipher: socket.getCipher().name,
        ...(dn(peer.subject) ? { subject: dn(peer.subject) ?? '' } : {}),
        ...(dn(peer.issuer) ? { issuer: dn(peer.issuer) ?? '' } : {}),
        ...(peer.valid_to ? { validTo: peer.valid_to } : {}),
        ...(peer.subjectaltname ? { subjectAltName: peer.subjectaltname } : {}),
      };
      if (o.payload) socket.write(o.payload);
      else finish();
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    socket.on('close', () => finish());
  });
}

/** A one-line description of a TLS probe for evidence. */
export function describeTls(p: TlsProbe): string {
  if (!p.handshake) return `TLS handshake failed (${p.error ?? 'certificate not trusted'})`;
  return `${p.protocol ?? 'TLS'} ${p.cipher ?? ''}, certificate "${p.subject ?? '?'}" issued by "${p.issuer ?? '?'}" valid to ${p.validTo ?? '?'}${p.subjectAltName ? ` (${p.subjectAltName})` : ''} validated against the configured CA`;
}
