/**
 * The central service envelope (SM3 digest over the sorted fields, SM4 biz_content), both ends:
 * the service opening a request and the agent opening a reply. Inputs are sealed envelopes with
 * a field changed, dropped, added or retyped, their JSON text damaged, and arbitrary JSON.
 * A clean envelope opens to exactly what was sealed.
 */
import fc from 'fast-check';
import { CENTRAL_METHODS, type CentralMethod } from '../../protocol/central/methods.js';
import { openReply, sealReply } from '../../protocol/central/reply.js';
import { openRequest, sealRequest } from '../../protocol/central/request.js';
import { SAMPLE_BIZ } from '../../protocol/central/samples.js';
import { damagedText } from '../mutate.js';
import { expectEqual, type FuzzTarget } from '../target.js';

const SECRET = '6046887813FCFA19';
const APP = '9D19FF05-4D51-4596-BEC5-CAD5818A0385';
const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const HEAD = { appId: APP, termId: 'SK0001', version: '1.0.0' } as const;
const methodArb = fc.constantFrom(...(Object.values(CENTRAL_METHODS) as CentralMethod[]));

type Edit =
  | { readonly kind: 'none' }
  | { readonly kind: 'set'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'drop'; readonly key: string };

const FIELDS = [
  'app_id',
  'term_id',
  'method',
  'timestamp',
  'version',
  'digest',
  'digest_type',
  'enc_type',
  'biz_content',
  'code',
  'msg',
  'err_code',
  '__proto__',
  'extra',
];
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.constantFrom(...FIELDS),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...FIELDS) }),
);

type Input = {
  readonly method: CentralMethod;
  readonly edit: Edit;
  readonly text?: string;
  readonly json?: unknown;
};

function edited(env: object, edit: Edit): Record<string, unknown> {
  const out: Record<string, unknown> = { ...env };
  if (edit.kind === 'set')
    Object.defineProperty(out, edit.key, { value: edit.value, enumerable: true, writable: true });
  if (edit.kind === 'drop') delete out[edit.key];
  return out;
}

function inputs(seal: (m: CentralMethod) => object): fc.Arbitrary<Input> {
  const sealedText = methodArb.map((m) => JSON.stringify(seal(m)));
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ method: methodArb, edit: editArb }) },
    fc.record({
      method: methodArb,
      edit: fc.constant({ kind: 'none' as const }),
      text: damagedText(sealedText),
    }),
    fc.record({
      method: methodArb,
      edit: fc.constant({ kind: 'none' as const }),
      json: fc.jsonValue({ maxDepth: 3 }),
    }),
  );
}

/** The body an input stands for: damaged text, arbitrary JSON, or a sealed envelope edited. */
function bodyOf(input: Input, seal: (m: CentralMethod) => object): unknown {
  return input.text ?? input.json ?? edited(seal(input.method), input.edit);
}

/** A sealed envelope left as sealed: it must open to what was sealed. */
const isClean = (input: Input): boolean =>
  input.text === undefined && input.json === undefined && input.edit.kind === 'none';

const sealedRequest = (m: CentralMethod) =>
  sealRequest({ ...HEAD, timestamp: NOW, method: m, biz: SAMPLE_BIZ[m].request }, SECRET);

export const centralRequest: FuzzTarget<Input> = {
  name: 'central-request',
  what: 'service side: request envelope (SM3 digest, SM4 biz)',
  input: inputs(sealedRequest),
  run(input) {
    const r = openRequest(bodyOf(input, sealedRequest), {
      lookupSecret: (id) => (id === APP ? SECRET : undefined),
      now: NOW,
    });
    if (isClean(input)) {
      expectEqual('clean request', r.ok ? r.value.biz : r.error, SAMPLE_BIZ[input.method].request);
    }
    return r.ok ? 'ok' : r.error.type;
  },
};

const sealedReply = (m: CentralMethod) =>
  sealReply({ ...HEAD, timestamp: NOW, method: m, outcome: { ok: true, biz: SAMPLE_BIZ[m].reply } }, SECRET);

export const centralReply: FuzzTarget<Input> = {
  name: 'central-reply',
  what: 'agent side: reply envelope against its request',
  input: inputs(sealedReply),
  run(input) {
    const r = openReply(bodyOf(input, sealedReply), {
      secret: SECRET,
      request: { ...HEAD, method: input.method },
      now: NOW,
    });
    if (isClean(input)) {
      expectEqual(
        'clean reply',
        r.ok && r.value.status === 'success' ? r.value.biz : r,
        SAMPLE_BIZ[input.method].reply,
      );
    }
    if (!r.ok) return r.error.type;
    return r.value.status === 'success' ? 'ok' : 'failure-reply';
  },
};
