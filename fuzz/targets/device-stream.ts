/**
 * The native device protocol from the wire: frames (magic, header CRC-8, length, CRC-32) carrying
 * protobuf envelopes, fed in arbitrary chunks. Clean streams must come out whole and in order
 * whatever the chunking; hostile ones (damaged frames, garbage between them) must yield only typed
 * results, every valid frame left intact by the damage must still be found.
 */
import fc from 'fast-check';
import type { DeviceEnvelope } from '../../protocol/device/messages.js';
import { DeviceStreamDecoder } from '../../protocol/device/stream.js';
import { encodeDeviceFrame } from '../../protocol/device/wire.js';
import { envelopeArb } from '../../test/firmware/device-arbitraries.js';
import { chunks, cutsArb, hostileStream } from '../mutate.js';
import { expectEqual, FuzzDefect, type FuzzTarget } from '../target.js';

type Input =
  | { readonly kind: 'clean'; readonly envelopes: DeviceEnvelope[]; readonly cuts: number[] }
  | { readonly kind: 'hostile'; readonly bytes: Uint8Array; readonly cuts: number[] };

const frameArb = envelopeArb.map((e) => encodeDeviceFrame(e));

export const deviceStream: FuzzTarget<Input> = {
  name: 'device-stream',
  what: 'native protocol: frames + protobuf envelopes, any chunking',
  input: fc.oneof(
    fc.record({
      kind: fc.constant('clean' as const),
      envelopes: fc.array(envelopeArb, { minLength: 1, maxLength: 4 }),
      cuts: cutsArb,
    }),
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('hostile' as const),
        bytes: hostileStream(frameArb),
        cuts: cutsArb,
      }),
    },
  ),
  run(input) {
    const decoder = new DeviceStreamDecoder();
    const bytes =
      input.kind === 'clean' ? Buffer.concat(input.envelopes.map((e) => encodeDeviceFrame(e))) : input.bytes;
    const results = [...chunks(bytes, input.cuts).flatMap((c) => decoder.push(c)), ...decoder.end()];
    if (decoder.buffered !== 0) throw new FuzzDefect(`${decoder.buffered} bytes still held after end()`);
    if (input.kind === 'clean') {
      const bad = results.find((r) => !r.ok);
      if (bad !== undefined && !bad.ok) throw new FuzzDefect(`clean stream refused: ${bad.error.type}`);
      expectEqual(
        'clean stream',
        results.map((r) => (r.ok ? r.value.envelope : undefined)),
        input.envelopes,
      );
      return 'ok';
    }
    const refused = results.find((r) => !r.ok);
    return refused === undefined || refused.ok ? 'ok' : refused.error.type;
  },
};
