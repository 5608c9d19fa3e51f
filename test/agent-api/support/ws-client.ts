import { createRequire } from 'node:module';

/** The part of the `ws` client these tests use (`ws` ships no types and @types/ws is not installed). */
export interface WsClient {
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer) => void): this;
  on(event: 'close', listener: (code: number) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): this;
  close(): void;
  readonly readyState: number;
}

type WsConstructor = new (
  url: string,
  options?: { headers?: Record<string, string>; ca?: string | Buffer },
) => WsClient;

// `ws` is CommonJS and a dependency of @fastify/websocket; Node 20 has no global WebSocket.
const WebSocketCtor = createRequire(import.meta.url)('ws') as WsConstructor;

/** An open connection plus its messages in arrival order; `next()` waits for the next one. */
export interface WsSession {
  readonly ws: WsClient;
  next(): Promise<unknown>;
  closed: Promise<number>;
}

export function connectWs(
  url: string,
  options: { headers?: Record<string, string>; ca?: string | Buffer } = {},
): Promise<WsSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocketCtor(url, options);
    const queue: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    let onClose: (code: number) => void = () => undefined;
    const closed = new Promise<number>((r) => {
      onClose = r;
    });
    ws.on('message', (data) => {
      const msg: unknown = JSON.parse(data.toString('utf8'));
      const w = waiting.shift();
      if (w === undefined) queue.push(msg);
      else w(msg);
    });
    ws.on('close', (code) => onClose(code));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode ?? 0}`));
      ws.close();
    });
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))),
      }),
    );
  });
}

/** Resolves with the HTTP status the server answered instead of upgrading. */
export function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocketCtor(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.close();
    });
    ws.on('error', () => undefined);
    ws.on('open', () => {
      ws.close();
      reject(new Error('the connection was accepted'));
    });
  });
}
