// Test helper (not re-exported): fast-check arbitraries for every command's requests and replies.
import fc from 'fast-check';
import { COMMANDS, type HsmCommand } from './commands.js';
import type { FieldSpec } from './fields.js';

const CAP = 48;

function fieldArb(spec: FieldSpec): fc.Arbitrary<unknown> {
  const min = spec.min ?? 0;
  const max = Math.min(spec.max ?? CAP, Math.max(min, CAP));
  switch (spec.kind) {
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffff_ffff });
    case 'u64':
      return fc.maxSafeNat();
    case 'text':
      return fc.string({ minLength: min, maxLength: max });
    case 'bytes': {
      const m = spec.multipleOf ?? 1;
      return fc
        .integer({ min: Math.ceil(min / m), max: Math.floor(max / m) })
        .chain((k) => fc.uint8Array({ minLength: k * m, maxLength: k * m }))
        .map((u) => Buffer.from(u));
    }
  }
}

function recordArb(schema: readonly FieldSpec[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(schema.map((s) => [s.name, fieldArb(s)])));
}

export const commandArb: fc.Arbitrary<HsmCommand> = fc.constantFrom(
  ...(Object.keys(COMMANDS) as HsmCommand[]),
);

export interface RequestCase {
  readonly id: number;
  readonly cmd: HsmCommand;
  readonly fields: Record<string, unknown>;
}

export const requestArb: fc.Arbitrary<RequestCase> = fc
  .tuple(fc.integer({ min: 0, max: 0xffff_ffff }), commandArb)
  .chain(([id, cmd]) => recordArb(COMMANDS[cmd].request).map((fields) => ({ id, cmd, fields })));

export const replyArb: fc.Arbitrary<RequestCase> = fc
  .tuple(fc.integer({ min: 0, max: 0xffff_ffff }), commandArb)
  .chain(([id, cmd]) => recordArb(COMMANDS[cmd].reply).map((fields) => ({ id, cmd, fields })));
