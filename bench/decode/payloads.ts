/**
 * Realistic EHC QR texts for the synthetic corpus: `<64-hex EHC-ID>:<type>[:<32-hex validity>]`,
 * with static codes that carry an org code (`::5100A0013`) and temporary cards (type 9), in the
 * proportions a hospital window sees (mostly dynamic codes).
 */
import type { Rng } from '../../firmware-sdk/render/prng.js';

const HEX = '0123456789ABCDEF';

function hex(rng: Rng, chars: number): string {
  let s = '';
  for (let i = 0; i < chars; i++) s += HEX[rng.int(0, 15)];
  return s;
}

const ORG_CODES = ['5100A0013', '4400B0207', '3300A0101', '1100C0032'] as const;

/** One EHC QR text drawn from `rng`. */
export function ehcPayload(rng: Rng): string {
  const id = hex(rng, 64);
  const r = rng.next();
  if (r < 0.7) return `${id}:0:${hex(rng, 32)}`;
  if (r < 0.85) return `${id}:1::${rng.pick(ORG_CODES)}`;
  if (r < 0.95) return `${id}:1`;
  return `${id}:9:${hex(rng, 32)}`;
}
