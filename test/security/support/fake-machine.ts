import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { type DecodedRequest, decodeRequest } from '../../../protocol/hsm/codec.js';
import { FrameDecoder } from '../../../protocol/hsm/framing.js';

/** One request as the hostile machine saw it, with the connection it came on. */
export interface SeenRequest {
  readonly request: DecodedRequest;
  readonly socket: Socket;
  /** 1 for the first connection accepted, 2 for the next… */
  readonly connection: number;
}

/**
 * A hostile cipher machine on loopback: decodes the client's requests with the real framing and
 * hands each to `onRequest`, which answers (or not) by writing raw bytes to the socket.
 */
export async function fakeMachine(
  onRequest: (seen: SeenRequest) => void,
): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) =>
      decoder.push(chunk, (body) => {
        const r = decodeRequest(body);
        if (r.ok) onRequest({ request: r.value, socket, connection });
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
