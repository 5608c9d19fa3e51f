import type { Socket } from 'node:net';
import { type DecodedRequest, decodeRequest, encodeErrorReply } from '../../protocol/hsm/codec.js';
import { isFastVcRequest } from '../../protocol/hsm/fast-vc.js';
import { FrameDecoder } from '../../protocol/hsm/framing.js';
import { ERR } from '../../protocol/hsm/sdr.js';
import { ValidityBatch } from './fast-validity.js';
import { corruptReply, faultApplies, type HsmFaults } from './faults.js';
import { type HandlerContext, handleRequest } from './handlers.js';

export interface ConnectionHost {
  readonly ctx: HandlerContext;
  /** The faults in force, or undefined when none (read per request: switchable at run time). */
  faults(): HsmFaults | undefined;
  closed(conn: MachineConnection): void;
}

/**
 * One client connection. Requests are pipelined: every complete frame in a chunk is handled at
 * once (commands are synchronous; validity checks in one batch), and all replies produced while
 * handling that chunk go out in one socket write. Delayed replies (latency faults) are written when ready — out of order — and
 * coalesced per event-loop turn. A bad length prefix closes the connection (no resync without a
 * start marker); a frame with a good length but a bad body is answered with an error code.
 */
export class MachineConnection {
  private readonly decoder: FrameDecoder;
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private flushQueued = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly batch: ValidityBatch;
  private readonly onFrame = (body: Buffer): void => this.frame(body);
  private readonly onBatchReplies = (replies: Buffer): void => this.push(replies);
  private readonly onBatchFallback = (body: Buffer): void => this.generic(body);

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
    maxFrameLength: number,
  ) {
    this.decoder = new FrameDecoder({ maxFrameLength });
    this.batch = new ValidityBatch(host.ctx.keys, host.ctx.config);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', (e) =>
      host.ctx.logger.debug({ err: e, remote: socket.remoteAddress }, 'connection error'),
    );
    socket.on('close', () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.out.length = 0;
      host.closed(this);
    });
  }

  /** Ends the connection: gracefully (`end`) or at once (`destroy`). */
  stop(graceful: boolean): void {
    if (graceful) this.socket.end();
    else this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (e) {
      this.host.ctx.logger.warn(
        { err: e, remote: this.socket.remoteAddress },
        'framing error: closing connection',
      );
      this.socket.destroy();
      return;
    }
    try {
      this.batch.flush(this.onBatchReplies, this.onBatchFallback);
    } catch (e) {
      // Not expected (the batch only decrypts and formats); never let it take the process down.
      this.host.ctx.logger.error({ err: e }, 'validity batch failed: closing connection');
      this.socket.destroy();
      return;
    }
    this.flush();
  }

  private frame(body: Buffer): void {
    if (this.socket.destroyed) return;
    const faults = this.host.faults();
    // The hot path: validity checks in the fixed layout are answered in one batch per chunk.
    if (faults === undefined && isFastVcRequest(body)) this.batch.add(body);
    else this.generic(body, faults);
  }

  private generic(body: Buffer, faults = this.host.faults()): void {
    const r = decodeRequest(body);
    if (!r.ok) {
      const code = r.error.type === 'unknown-command' ? ERR.NOT_SUPPORTED : ERR.BAD_ARGUMENT;
      this.push(encodeErrorReply(r.error.id ?? 0, r.error.command ?? '??', code));
      return;
    }
    if (faults !== undefined && faultApplies(faults, r.value.cmd)) this.faulty(r.value, faults);
    else this.push(handleRequest(this.host.ctx, r.value));
  }

  private faulty(req: DecodedRequest, f: HsmFaults): void {
    if (f.drop) {
      this.socket.destroy();
      return;
    }
    if (f.hang) return;
    let reply =
      f.errorCode === undefined
        ? handleRequest(this.host.ctx, req)
        : encodeErrorReply(req.id, req.cmd, f.errorCode);
    if (f.corrupt) reply = corruptReply(reply);
    const delay = (f.latencyMs ?? 0) + (f.jitterMs ? Math.floor(Math.random() * (f.jitterMs + 1)) : 0);
    if (delay === 0) {
      this.push(reply);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.push(reply);
      this.queueFlush();
    }, delay);
    this.timers.add(t);
  }

  private push(reply: Buffer): void {
    this.out.push(reply);
    this.outBytes += reply.length;
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const n = this.out.length;
    if (n === 0 || this.socket.destroyed) return;
    const buf = n === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
    this.out.length = 0;
    this.outBytes = 0;
    if (!this.socket.write(buf)) {
      // The client is not reading: stop reading its requests until the replies drain.
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }
}
