import { HarnessError } from './errors.js';

/**
 * How the bytes a device sends are cut into the pieces the host receives (one `read()` result on
 * the serial binding, one `write()` on TCP and pty):
 * - `whole`: one piece per engine output (default);
 * - `fixed`: pieces of `size` bytes;
 * - `random`: pieces of 1…`maxSize` bytes from a seeded PRNG (reproducible);
 * - `custom`: any function (must return pieces that concatenate to its input).
 */
export type Chunking =
  | { readonly mode: 'whole' }
  | { readonly mode: 'fixed'; readonly size: number }
  | { readonly mode: 'random'; readonly maxSize: number; readonly seed?: number }
  | { readonly mode: 'custom'; readonly split: (data: Uint8Array) => readonly Uint8Array[] };

export type Splitter = (data: Uint8Array) => readonly Uint8Array[];

/** A deterministic 32-bit PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function fixed(size: number): Splitter {
  return (data) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
    return out;
  };
}

export function splitter(c: Chunking): Splitter {
  switch (c.mode) {
    case 'whole':
      return (data) => [data];
    case 'fixed':
      if (!Number.isInteger(c.size) || c.size < 1) {
        throw new HarnessError('HARNESS_BAD_OPTION', 'chunking size must be a positive integer');
      }
      return fixed(c.size);
    case 'random': {
      if (!Number.isInteger(c.maxSize) || c.maxSize < 1) {
        throw new HarnessError('HARNESS_BAD_OPTION', 'chunking maxSize must be a positive integer');
      }
      const next = prng(c.seed ?? 1);
      return (data) => {
        const out: Uint8Array[] = [];
        for (let i = 0; i < data.length; ) {
          const n = 1 + (next() % c.maxSize);
          out.push(data.subarray(i, i + n));
          i += n;
        }
        return out;
      };
    }
    case 'custom':
      return c.split;
  }
}
