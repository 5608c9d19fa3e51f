import { err, ok, type Result } from '../result.js';
import type { DeviceDecodeError } from './errors.js';
import {
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameDecoderStats,
  type FrameResult,
} from './frame-decoder.js';
import type { DeviceEnvelope } from './messages.js';
import { decodeEnvelope } from './wire.js';

export interface DecodedEnvelope<M> {
  readonly envelope: DeviceEnvelope;
  /** The caller's mark of the chunk in which the frame's first byte arrived. */
  readonly mark: M;
  /** Frame payload size in bytes. */
  readonly size: number;
}

export type EnvelopeResult<M> = Result<DecodedEnvelope<M>, DeviceDecodeError>;

export interface DeviceStreamStats extends FrameDecoderStats {
  /** Frames with a good CRC whose payload was not a valid Envelope. */
  badMessages: number;
}

/**
 * Bytes → envelopes: a `FrameDecoder` followed by `decodeEnvelope`. Same guarantees as the frame
 * decoder (resync, bounded buffer, never throws on input); a frame whose payload is not a valid
 * Envelope is a `bad-message` value.
 */
export class DeviceStreamDecoder<M = undefined> {
  private readonly frames: FrameDecoder<M>;
  private badMessages = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.frames = new FrameDecoder<M>(options);
  }

  get maxPayloadBytes(): number {
    return this.frames.maxPayloadBytes;
  }

  get buffered(): number {
    return this.frames.buffered;
  }

  get capacity(): number {
    return this.frames.capacity;
  }

  get stats(): DeviceStreamStats {
    return { ...this.frames.stats, badMessages: this.badMessages };
  }

  push(chunk: Uint8Array, mark?: M): EnvelopeResult<M>[] {
    return this.frames.push(chunk, mark).map((r) => this.toEnvelope(r));
  }

  end(): EnvelopeResult<M>[] {
    return this.frames.end().map((r) => this.toEnvelope(r));
  }

  reset(): number {
    return this.frames.reset();
  }

  private toEnvelope(r: FrameResult<M>): EnvelopeResult<M> {
    if (!r.ok) return r;
    const m = decodeEnvelope(r.value.payload);
    if (!m.ok) {
      this.badMessages++;
      return err(m.error);
    }
    return ok({ envelope: m.value, mark: r.value.mark, size: r.value.payload.length });
  }
}
