import * as http from 'node:http';
import * as https from 'node:https';
import { connect, type Socket } from 'node:net';

export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer | undefined;
  readonly ca?: string | Buffer;
}

/**
 * One request over node:http(s), which (unlike fetch) lets a test set any header a hostile client
 * would: Host, Origin, Sec-Fetch-Site.
 */
export function rawRequest(url: string, o: RawRequest = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: o.method ?? 'GET',
        headers: o.headers ?? {},
        agent: false,
        ...(o.ca === undefined ? {} : { ca: o.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** A plain TCP connection to `url`'s host and port, once connected. */
export function rawSocket(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with what the server sent and how long after `since` it closed the socket. */
export function untilClosed(socket: Socket, since: number): Promise<{ ms: number; received: string }> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ ms: Date.now() - since, received }));
  });
}
