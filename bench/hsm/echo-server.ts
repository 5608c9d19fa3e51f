import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, LENGTH_BYTES } from '../../protocol/hsm/framing.js';

/**
 * The benchmark's baseline peer: the cipher machine's framing and write batching, no crypto.
 * Every request frame is sent back unchanged (same header, so the client matches it by id).
 */
export class EchoServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(port = 0, host = '127.0.0.1'): Promise<EchoServer> {
    const e = new EchoServer(createServer({ noDelay: true }, (s) => e.serve(s)));
    await new Promise<void>((resolve, reject) => {
      e.server.once('error', reject);
      e.server.listen(port, host, () => resolve());
    });
    return e;
  }

  get port(): number {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : 0;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    const out: Buffer[] = [];
    let bytes = 0;
    const onFrame = (body: Buffer): void => {
      out.push(body);
      bytes += LENGTH_BYTES + body.length;
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, onFrame);
      } catch {
        socket.destroy();
        return;
      }
      if (out.length === 0) return;
      const reply = Buffer.allocUnsafe(bytes);
      let off = 0;
      for (const body of out) {
        reply.writeUInt16BE(body.length, off);
        body.copy(reply, off + LENGTH_BYTES);
        off += LENGTH_BYTES + body.length;
      }
      out.length = 0;
      bytes = 0;
      socket.write(reply);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }
}
