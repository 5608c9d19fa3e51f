import { zoneOffsetMs } from '../../protocol/crypto/time-zone.js';
import { USE_SERVER_DEFAULT } from '../../protocol/hsm/commands.js';
import { readU64, VC_AT, writeFastVdReply } from '../../protocol/hsm/fast-vc.js';
import { LENGTH_BYTES } from '../../protocol/hsm/framing.js';
import type { ResolvedConfig } from './config.js';
import type { KeyStore } from './key-store.js';

const HOUR = 3_600_000;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Verdict bytes (VALIDITY_VERDICTS order). */
const VALID = 0;
const EXPIRED = 1;
const NOT_YET_VALID = 2;
const NOT_BCD = 3;
const BAD_PADDING = 4;
const BAD_DATE = 5;
/** Largest VD reply frame. */
const VD_FRAME_MAX = LENGTH_BYTES + 37;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The validity plaintext → verdict, the same answers as `decodeValidityBlock` (fast-validity.test
 * checks it) without building strings: BCD read straight into numbers, and the zone offset memoised
 * for the two UTC hours `fromWallClock` consults (a check's times are all within a few hours).
 */
export class ValidityDecoder {
  /** The instant of the last block `decode` accepted. */
  instantMs = 0;
  private h1 = Number.NaN;
  private o1 = 0;
  private h2 = Number.NaN;
  private o2 = 0;
  private readonly d = new Uint8Array(7);

  constructor(readonly timeZone: string) {}

  private offset(ms: number): number {
    const h = Math.floor(ms / HOUR);
    if (h === this.h1) return this.o1;
    if (h === this.h2) return this.o2;
    const o = zoneOffsetMs(this.timeZone, ms);
    this.h2 = this.h1;
    this.o2 = this.o1;
    this.h1 = h;
    this.o1 = o;
    return o;
  }

  /** -1 with `instantMs` set for a well-formed time, else the garbage verdict byte. */
  decode(p: Buffer, at: number): number {
    for (let i = 7; i < 16; i++) if (p[at + i] !== 0) return this.bcdOrPadding(p, at);
    const d = this.d;
    for (let i = 0; i < 7; i++) {
      const b = p[at + i]!;
      const hi = b >> 4;
      const lo = b & 0x0f;
      if (hi > 9 || lo > 9) return NOT_BCD;
      d[i] = hi * 10 + lo;
    }
    const year = d[0]! * 100 + d[1]!;
    const month = d[2]!;
    const day = d[3]!;
    const dim = month === 2 && isLeap(year) ? 29 : DAYS[month - 1];
    // Years below 100 are not representable by Date.UTC, as in fromWallClock.
    if (year < 100 || dim === undefined || day < 1 || day > dim || d[4]! > 23 || d[5]! > 59 || d[6]! > 59) {
      return BAD_DATE;
    }
    const asUtc = Date.UTC(year, month - 1, day, d[4]!, d[5]!, d[6]!);
    let instant = asUtc - this.offset(asUtc);
    instant = asUtc - this.offset(instant);
    this.instantMs = instant;
    return -1;
  }

  /** decodeValidityBlock checks BCD before padding: a block failing both is `not-bcd`. */
  private bcdOrPadding(p: Buffer, at: number): number {
    for (let i = 0; i < 7; i++) {
      const b = p[at + i]!;
      if (b >> 4 > 9 || (b & 0x0f) > 9) return NOT_BCD;
    }
    return BAD_PADDING;
  }
}

/**
 * Validity checks collected while one chunk of requests is handled, answered together: one SM4
 * call decrypts every block under the same key (the native call's overhead paid once per batch),
 * and the replies are written into one buffer.
 */
export class ValidityBatch {
  private readonly bodies: Buffer[] = [];
  private readonly decoder: ValidityDecoder;

  constructor(
    private readonly keys: KeyStore,
    private readonly config: ResolvedConfig,
  ) {
    this.decoder = new ValidityDecoder(config.timeZone);
  }

  get size(): number {
    return this.bodies.length;
  }

  /** Adds a request body already checked by `isFastVcRequest`. */
  add(body: Buffer): void {
    this.bodies.push(body);
  }

  /**
   * Answers the batch: replies go to `emit` (one buffer for the lot); requests whose key is
   * missing or of the wrong type go to `fallback` (the generic handler answers them).
   */
  flush(emit: (replies: Buffer) => void, fallback: (body: Buffer) => void): void {
    const bodies = this.bodies;
    const n = bodies.length;
    if (n === 0) return;
    const keyIndex = bodies[0]!.readUInt16BE(VC_AT.keyIndex);
    const lookup = this.keys.lookup(keyIndex, 'sm4', ['protect']);
    const blocks = Buffer.allocUnsafe(16 * n);
    let same = 0;
    for (const b of bodies) {
      if (b.readUInt16BE(VC_AT.keyIndex) !== keyIndex || !lookup.ok) break;
      b.copy(blocks, 16 * same, VC_AT.block, VC_AT.block + 16);
      same++;
    }
    const out = Buffer.allocUnsafe(VD_FRAME_MAX * same);
    let off = 0;
    if (same > 0 && lookup.ok) {
      const plain = lookup.key.ecbDecrypt(same === n ? blocks : blocks.subarray(0, 16 * same));
      const now = this.config.now();
      for (let i = 0; i < same; i++) off = this.answer(bodies[i]!, plain, 16 * i, now, out, off);
    }
    const rest = bodies.slice(same);
    bodies.length = 0;
    if (off > 0) emit(out.subarray(0, off));
    // Another key index in the same batch (rare): answer the rest as a new batch, or generically.
    if (rest.length > 0) {
      if (same === 0) {
        for (const b of rest) fallback(b);
      } else {
        for (const b of rest) this.bodies.push(b);
        this.flush(emit, fallback);
      }
    }
  }

  private answer(body: Buffer, plain: Buffer, at: number, now: number, out: Buffer, off: number): number {
    const id = body.readUInt32BE(0);
    const garbage = this.decoder.decode(plain, at);
    if (garbage >= 0) return writeFastVdReply(out, off, id, garbage, 0, undefined);
    const gen = this.decoder.instantMs;
    const life = body.readUInt32BE(VC_AT.lifetimeS);
    const skew = body.readUInt32BE(VC_AT.skewS);
    const lifetimeS = life === USE_SERVER_DEFAULT ? this.config.lifetimeS : life;
    const skewS = skew === USE_SERVER_DEFAULT ? this.config.skewS : skew;
    const nowMs = readU64(body, VC_AT.nowMs);
    const t = nowMs === 0 ? now : nowMs;
    const verdict =
      t < gen - skewS * 1000 ? NOT_YET_VALID : t > gen + (lifetimeS + skewS) * 1000 ? EXPIRED : VALID;
    return writeFastVdReply(out, off, id, verdict, Math.max(0, gen), plain, at);
  }
}
