/**
 * The cipher-machine protocol, both ends: the machine's side (length-prefixed frames in any
 * chunking, in both garbage modes, then `decodeRequest`) and the agent's side (`decodeReply` of
 * a body against the command it asked). Clean traffic round-trips exactly.
 */
import fc from 'fast-check';
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import type { HsmCommand } from '../../protocol/hsm/commands.js';
import { FrameDecoder } from '../../protocol/hsm/framing.js';
import { commandArb, type RequestCase, replyArb, requestArb } from '../../protocol/hsm/test-arbitraries.js';
import { chunks, cutsArb, damaged, hostileStream } from '../mutate.js';
import { expectEqual, FuzzDefect, type FuzzTarget, guarded } from '../target.js';

// biome-ignore lint/suspicious/noExplicitAny: fields come from the schema-driven arbitraries
const anyFields = (f: Record<string, unknown>): any => f;
const requestFrame = requestArb.map((c) => encodeRequest(c.id, c.cmd, anyFields(c.fields)));

type MachineInput =
  | { readonly kind: 'clean'; readonly cases: RequestCase[]; readonly cuts: number[] }
  | {
      readonly kind: 'hostile';
      readonly bytes: Uint8Array;
      readonly cuts: number[];
      readonly resync: boolean;
    };

/** Frames through the decoder; each body's decode answer, or the decoder's typed refusal. */
function feed(
  bytes: Uint8Array,
  cuts: readonly number[],
  resync: boolean,
): { bodies: string[]; refused?: string } {
  const decoder = new FrameDecoder({ onGarbage: resync ? 'resync' : 'close' });
  const bodies: string[] = [];
  const answer = guarded(() => {
    for (const c of chunks(bytes, cuts)) {
      decoder.push(c, (body) => {
        const r = decodeRequest(body);
        bodies.push(r.ok ? 'ok' : r.error.type);
      });
    }
    return undefined;
  });
  if (decoder.bufferedBytes > decoder.maxBufferedBytes) {
    throw new FuzzDefect(`decoder holds ${decoder.bufferedBytes} bytes, bound ${decoder.maxBufferedBytes}`);
  }
  return answer === 'ok' ? { bodies } : { bodies, refused: answer };
}

export const hsmMachineSide: FuzzTarget<MachineInput> = {
  name: 'hsm-request',
  what: 'cipher machine side: request frames + fields',
  input: fc.oneof(
    fc.record({
      kind: fc.constant('clean' as const),
      cases: fc.array(requestArb, { minLength: 1, maxLength: 4 }),
      cuts: cutsArb,
    }),
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('hostile' as const),
        bytes: hostileStream(requestFrame),
        cuts: cutsArb,
        resync: fc.boolean(),
      }),
    },
  ),
  run(input) {
    if (input.kind === 'hostile') {
      const { bodies, refused } = feed(input.bytes, input.cuts, input.resync);
      return refused ?? bodies.find((b) => b !== 'ok') ?? 'ok';
    }
    const decoder = new FrameDecoder();
    const got: unknown[] = [];
    const bytes = Buffer.concat(input.cases.map((c) => encodeRequest(c.id, c.cmd, anyFields(c.fields))));
    for (const c of chunks(bytes, input.cuts)) decoder.push(c, (body) => got.push(decodeRequest(body)));
    expectEqual(
      'clean requests',
      got,
      input.cases.map((c) => ({ ok: true, value: { id: c.id, cmd: c.cmd, fields: c.fields } })),
    );
    return 'ok';
  },
};

type AgentInput = { readonly cmd: HsmCommand; readonly body: Uint8Array; readonly clean?: RequestCase };

const replyBody = (c: RequestCase): Buffer => encodeReply(c.id, c.cmd, anyFields(c.fields)).subarray(2);

export const hsmAgentSide: FuzzTarget<AgentInput> = {
  name: 'hsm-reply',
  what: 'agent side: reply bodies against the command asked',
  input: fc.oneof(
    replyArb.map((c) => ({ cmd: c.cmd, body: replyBody(c), clean: c })),
    { weight: 3, arbitrary: fc.record({ cmd: commandArb, body: damaged(replyArb.map(replyBody)) }) },
    fc.record({ cmd: commandArb, body: fc.uint8Array({ maxLength: 300 }) }),
  ),
  run(input) {
    const r = decodeReply(Buffer.from(input.body), input.cmd);
    if (input.clean !== undefined) {
      expectEqual('clean reply', r, {
        ok: true,
        value: { id: input.clean.id, success: true, code: '00', fields: input.clean.fields },
      });
    }
    return r.ok ? 'ok' : r.error.type;
  },
};
