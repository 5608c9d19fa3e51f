/**
 * Checksums of the native frame format, table-driven, pure.
 *
 * - CRC-32/ISO-HDLC (the zlib/Ethernet CRC: reflected polynomial 0xEDB88320, init and xor-out
 *   0xFFFFFFFF; check value of "123456789" is 0xCBF43926) over header + payload;
 * - CRC-8/SMBUS (polynomial 0x07, init 0, no reflection; check value 0xF4) over the five header
 *   bytes before it, so a start marker that appears by chance in garbage is rejected before its
 *   length is trusted.
 */
const CRC32_TABLE = makeCrc32Table();
const CRC8_TABLE = makeCrc8Table();

function makeCrc32Table(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

function makeCrc8Table(): Uint8Array {
  const t = new Uint8Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[n] = c;
  }
  return t;
}

/** CRC-32 of `buf[start, end)`; pass a previous result as `crc` to continue over several pieces. */
export function crc32(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = CRC32_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-8/SMBUS of `buf[start, end)`. */
export function crc8(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0;
  for (let i = start; i < end; i++) c = CRC8_TABLE[c ^ buf[i]!]!;
  return c;
}
