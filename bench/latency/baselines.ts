import { connect, createServer, type Server, type Socket } from 'node:net';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { EhcError } from '../../protocol/errors.js';
import { nowMs } from '../common/samples.js';

/**
 * Baseline 1, the bare transport: the same bytes a scanner sends (QR text + CR) written on one
 * end of a loopback TCP connection and read on the other, in this process — what any host
 * software pays before it can see a scan.
 */
export class TransportProbe {
  private constructor(
    private readonly server: Server,
    private readonly writer: Socket,
    private readonly reader: Socket,
  ) {}

  static async open(): Promise<TransportProbe> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const reader = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((r) => reader.once('connect', () => r()));
    const writer = await accepted;
    writer.setNoDelay(true);
    return new TransportProbe(server, writer, reader);
  }

  /** One-way time of `payload` from the writer to the reader, ms. */
  async once(payload: Buffer): Promise<number> {
    let got = 0;
    const t0 = nowMs();
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= payload.length) {
          this.reader.off('data', onData);
          resolve();
        }
      };
      this.reader.on('data', onData);
      this.writer.write(payload);
    });
    return nowMs() - t0;
  }

  async close(): Promise<void> {
    this.reader.destroy();
    this.writer.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

/** Baseline 2, the bare cipher-machine round trip: one validity check through the same client. */
export async function cipherMachineOnce(hsm: CipherMachine, blockHex: string): Promise<number> {
  const t0 = nowMs();
  const r = await hsm.checkValidity(blockHex);
  const ms = nowMs() - t0;
  if (r.status !== 'ok') throw new EhcError('BENCH_HSM', `baseline validity check failed: ${r.status}`);
  return ms;
}
