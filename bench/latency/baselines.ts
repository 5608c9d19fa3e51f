import { connect, createServer, type Socket } from 'node:net';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { nowMs } from '../common/samples.js';

/**
 * Baseline 1, the bare transport: the same bytes a scanner sends (QR text + CR) written on one
 * end of a loopback TCP connection and read on the other, in this process — what any host
 * software pays before it can see a scan.
 */
export async function measureTransport(payload: Buffer, n: number): Promise<number[]> {
  const server = createServer({ noDelay: true });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const reader = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((r) => reader.once('connect', () => r()));
  const writer = await accepted;
  writer.setNoDelay(true);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      let got = 0;
      const t0 = nowMs();
      const done = new Promise<void>((resolve) => {
        const onData = (d: Buffer) => {
          got += d.length;
          if (got >= payload.length) {
            reader.off('data', onData);
            resolve();
          }
        };
        reader.on('data', onData);
      });
      writer.write(payload);
      await done;
      samples.push(nowMs() - t0);
    }
  } finally {
    reader.destroy();
    writer.destroy();
    await new Promise((r) => server.close(r));
  }
  return samples;
}

/** Baseline 2, the bare cipher-machine round trip: one validity check through the same client. */
export async function measureCipherMachine(
  hsm: CipherMachine,
  blockHex: () => string,
  n: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    const r = await hsm.checkValidity(blockHex());
    samples.push(nowMs() - t0);
    if (r.status !== 'ok') throw new Error(`baseline validity check failed: ${r.status}`);
  }
  return samples;
}
