/**
 * One fuzz target: a parser of outside bytes, the inputs to feed it and what counts as a defect.
 *
 * `run` feeds one input and returns how the parser answered: `'ok'` when it accepted the input, or
 * the typed refusal (an `EhcError` code, or a `Result` error's `type`). Anything else is a defect
 * and must throw `FuzzDefect` (a broken round trip, a wrong count) or let the untyped error through.
 */
import type fc from 'fast-check';
import { isEhcError } from '../protocol/errors.js';

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  /** What the target parses, in a few words (the report's second column). */
  readonly what: string;
  /** Structured inputs (mutated valid messages) mixed with random ones. */
  readonly input: fc.Arbitrary<T>;
  /** Relative cost: the runner gives a target `runs / cost` inputs (an image decode costs more). */
  readonly cost?: number;
  /** Loads what `run` needs (a wasm engine) before the first input. */
  setup?(): Promise<void>;
  run(input: T): string | Promise<string>;
  /** Releases what `setup` started. */
  teardown?(): Promise<void>;
}

/** A property the parser broke (not a refusal): the runner reports it with the shrunk input. */
export class FuzzDefect extends Error {
  override readonly name = 'FuzzDefect';
}

/** The typed refusal an error stands for; rethrows anything that is not one of ours. */
export function refusal(e: unknown): string {
  if (isEhcError(e)) return e.code;
  throw e;
}

/** Runs `f`, returning `'ok'` or the typed refusal it threw. */
export function guarded(f: () => string | undefined): string {
  try {
    return f() ?? 'ok';
  } catch (e) {
    return refusal(e);
  }
}

/** Deep equality by canonical JSON (keys sorted, bytes as hex); throws `FuzzDefect` on a difference. */
export function expectEqual(what: string, actual: unknown, expected: unknown): void {
  const a = canonical(actual);
  const b = canonical(expected);
  if (a !== b) throw new FuzzDefect(`${what}: got ${a.slice(0, 200)}, expected ${b.slice(0, 200)}`);
}

function canonical(v: unknown): string {
  return JSON.stringify(JSON.parse(JSON.stringify(v, bytesAsHex) ?? 'null'), (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : x,
  );
}

/** Byte fields compare by content whether they are a Buffer or a Uint8Array (seen before toJSON). */
function bytesAsHex(this: Record<string, unknown>, key: string, v: unknown): unknown {
  const raw = key === '' ? v : this[key];
  return raw instanceof Uint8Array ? `hex:${Buffer.from(raw).toString('hex')}` : v;
}
