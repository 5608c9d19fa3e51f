/**
 * TCP byte streams (`tcp://host:port`): networked scanners, serial-to-Ethernet converters and the
 * virtual devices' TCP harness. A peer that closes (FIN or RST) ends the open with reason
 * `remote-closed`; other socket errors with `error`.
 */
import * as net from 'node:net';
import type { DeviceIdentity } from '../types.js';
import { BaseTransport, type BaseTransportOptions, type TransportLink } from './base.js';
import { TransportError } from './errors.js';

export interface TcpTransportOptions extends BaseTransportOptions {
  /** `tcp://host:port`; IPv6 hosts in brackets (`tcp://[::1]:9100`). */
  readonly url: string;
  /** Connect timeout; defaults to 3000 ms. */
  readonly connectTimeoutMs?: number;
  /** Disable Nagle (scanner commands are small and latency matters); defaults to true. */
  readonly noDelay?: boolean;
  /** Socket factory, for tests; defaults to `net.createConnection`. */
  readonly connect?: (options: net.NetConnectOpts) => net.Socket;
  readonly identity?: Omit<DeviceIdentity, 'path'>;
}

export interface TcpAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `tcp://host:port`; throws TypeError naming the problem. */
export function parseTcpUrl(url: string): TcpAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new TypeError(`"${url}" is not a tcp://host:port address`, { cause: e });
  }
  if (u.protocol !== 'tcp:') throw new TypeError(`"${url}" is not a tcp://host:port address`);
  const port = Number(u.port);
  if (!u.hostname || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`"${url}" needs a host and a port between 1 and 65535`);
  }
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host, port };
}

const REMOTE_CLOSE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export class TcpTransport extends BaseTransport {
  readonly kind = 'tcp' as const;
  readonly identity: DeviceIdentity;
  readonly #options: TcpTransportOptions;
  readonly #address: TcpAddress;
  #socket: net.Socket | undefined;

  constructor(options: TcpTransportOptions) {
    super(options);
    this.#address = parseTcpUrl(options.url);
    const timeout = options.connectTimeoutMs ?? 3000;
    if (!(timeout > 0)) throw new TypeError('"connectTimeoutMs" must be greater than 0');
    this.#options = options;
    this.identity = { ...options.identity, path: options.url };
  }

  protected async doOpen(link: TransportLink): Promise<void> {
    const o = this.#options;
    const connect = o.connect ?? net.createConnection;
    const socket = connect({ host: this.#address.host, port: this.#address.port });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new TransportError(
            'TRANSPORT_TIMEOUT',
            `connecting to ${o.url} took longer than ${o.connectTimeoutMs ?? 3000} ms`,
          ),
        );
      }, o.connectTimeoutMs ?? 3000);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('error', onError);
      };
      socket.once('connect', onConnect);
      socket.once('error', onError);
    });
    socket.setNoDelay(o.noDelay ?? true);
    socket.on('data', (chunk: Buffer) => {
      link.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    socket.on('end', () => {
      link.lost(
        'remote-closed',
        new TransportError('TRANSPORT_DISCONNECTED', `${o.url} closed the connection`),
      );
    });
    socket.on('error', (err: Error & { code?: string }) => {
      const remote = err.code !== undefined && REMOTE_CLOSE_CODES.has(err.code);
      link.lost(
        remote ? 'remote-closed' : 'error',
        new TransportError(remote ? 'TRANSPORT_DISCONNECTED' : 'TRANSPORT_IO', `${o.url} failed`, {
          cause: err,
        }),
      );
    });
    socket.on('close', () => {
      link.lost('remote-closed', new TransportError('TRANSPORT_DISCONNECTED', `${o.url} connection closed`));
    });
  }

  protected doWrite(data: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (!socket)
      return Promise.reject(new TransportError('TRANSPORT_CLOSED', `${this.identity.path} is not open`));
    return new Promise<void>((resolve, reject) => {
      socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  protected async doClose(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}
