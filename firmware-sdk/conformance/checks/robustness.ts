import { crc32 } from '../../../protocol/device/crc.js';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC_0,
  FRAME_MAX_PAYLOAD_LIMIT,
  writeHeader,
  writeU32,
} from '../../../protocol/device/frame.js';
import { encodeEnvelope } from '../../../protocol/device/wire.js';
import { type CheckContext, type CheckSpec, fail, pass } from '../context.js';

/** Seeded bytes with no start marker in them (so no header can form by chance). */
function garbage(seed: number, n: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const b = s & 0xff;
    out[i] = b === FRAME_MAGIC_0 ? 0 : b;
  }
  return out;
}

/** A command envelope framed with `version` (a valid CRC, so only the version check rejects it). */
function frameWithVersion(seq: number, version: number): Uint8Array {
  const payload = encodeEnvelope({ seq, body: { case: 'command', value: { op: 'configGet', keys: [] } } });
  const f = new Uint8Array(FRAME_HEADER_BYTES + payload.length + 4);
  writeHeader(f, payload.length, version);
  f.set(payload, FRAME_HEADER_BYTES);
  writeU32(f, FRAME_HEADER_BYTES + payload.length, crc32(f, 0, FRAME_HEADER_BYTES + payload.length));
  return f;
}

/** Sends `junk`, then a good command: it must still be answered, and nothing in `junk` must be. */
async function survives(ctx: CheckContext, junk: Uint8Array[], forbidden: number[], label: string) {
  const from = ctx.peer.log.length;
  for (const j of junk) await ctx.peer.sendRaw(j);
  const { reply, ms, seq } = await ctx.peer.command({ op: 'configGet', keys: [] }, ctx.timeouts.commandMs);
  const answeredJunk = ctx.peer.log
    .slice(from)
    .filter((r) => r.env.body.case === 'reply' && forbidden.includes(r.env.body.value.replyTo));
  const bytes = junk.reduce((n, j) => n + j.length, 0);
  const evidence = `${bytes} B of ${label}, then config_get (seq ${seq})`;
  if (!reply) return fail(`${evidence}: no reply within ${ctx.timeouts.commandMs} ms`);
  if (answeredJunk.length > 0) return fail(`${evidence}: the device answered a frame it must reject`);
  return pass(`${evidence}: answered in ${Math.round(ms)} ms`);
}

export const garbageTolerance: CheckSpec = {
  id: 'robust.garbage',
  title: 'garbage, a bad-CRC frame and an unknown-version frame are skipped; the next command is answered',
  async run(ctx) {
    const badCrc = encodeFrame(
      encodeEnvelope({ seq: 7001, body: { case: 'command', value: { op: 'configGet', keys: [] } } }),
    );
    badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] ?? 0) ^ 0xff;
    const junk = [garbage(ctx.seed, 4096), badCrc, frameWithVersion(7002, 2), garbage(ctx.seed + 1, 100)];
    return survives(ctx, junk, [7001, 7002], 'garbage, a bad-CRC frame and a version-2 frame');
  },
};

export const oversizeTolerance: CheckSpec = {
  id: 'robust.oversize',
  title:
    'a frame longer than the announced maximum is rejected from its header; the next command is answered',
  async run(ctx) {
    const max = ctx.info?.maxFrameBytes;
    if (!max) return fail('no handshake (no announced maximum)');
    if (max >= FRAME_MAX_PAYLOAD_LIMIT)
      return pass(`the device accepts the largest frame the format allows (${max} B)`);
    // A header announcing the largest length, followed by little: a device that trusts the
    // length before checking it waits for 64 KiB and swallows the command behind it.
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    writeHeader(header, FRAME_MAX_PAYLOAD_LIMIT, 1);
    // A complete, valid frame one byte over the maximum, carrying a command that must not run.
    const env = encodeEnvelope({
      seq: 7003,
      body: {
        case: 'command',
        value: { op: 'testScan', payload: new Uint8Array(max), symbology: 'qr_code' },
      },
    });
    const big = encodeFrame(env);
    return survives(
      ctx,
      [header, garbage(ctx.seed + 2, 64), big],
      [7003],
      `an oversize header and a ${env.length} B frame (max ${max})`,
    );
  },
};
