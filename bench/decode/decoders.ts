/** The decoders a decode benchmark measures: ours (`ehc`) first, then the baselines. */
import { type DecodeOptions, decodeSync } from '../../firmware-sdk/decode/decoder.js';
import type { GreyImage } from '../../firmware-sdk/decode/image.js';
import { ATTEMPT_NAMES } from '../../firmware-sdk/decode/ladder.js';
import { type BenchDecoder, loadBaselines } from './baselines.js';

/** The project's decoder, given the grey frame as a camera's Y plane would arrive. */
export function ehcDecoder(
  opts: DecodeOptions = {},
  name = 'ehc',
  role: BenchDecoder['role'] = 'subject',
): BenchDecoder<GreyImage> {
  return {
    name,
    role,
    prepare: (image) => image,
    read: (image) => {
      const r = decodeSync(image, opts);
      return r.ok ? { text: r.text, via: r.via } : { text: undefined };
    },
  };
}

/** `ehc` followed by every baseline, in report order. */
export async function benchDecoders(): Promise<BenchDecoder[]> {
  return [ehcDecoder() as BenchDecoder, ...(await loadBaselines())];
}

/**
 * Ablation variants of ours: `ehc-first-pass` (the first attempt only) and, per ladder attempt
 * after the first, `ehc-without:<attempt>` (leave-one-out), so a run shows what each step buys
 * given all the others.
 */
export function ablationDecoders(): BenchDecoder[] {
  const [first, ...rest] = ATTEMPT_NAMES;
  return [
    ehcDecoder({ attempts: first === undefined ? [] : [first] }, 'ehc-first-pass', 'variant') as BenchDecoder,
    ...rest.map(
      (name) =>
        ehcDecoder(
          { attempts: ATTEMPT_NAMES.filter((a) => a !== name) },
          `ehc-without:${name}`,
          'variant',
        ) as BenchDecoder,
    ),
  ];
}
