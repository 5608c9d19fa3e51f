import { randomUUID } from 'node:crypto';
import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { validityDigits } from '../../../protocol/crypto/validity.js';
import { formatEhcCode } from '../../../protocol/qr/index.js';
import { GENERATE_PENDING, type GeneratedCode } from '../../../storage/central/contract.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { checkCardIssued } from './card-check.js';
import { activeCard, staticCode } from './card-view.js';
import { hsmValue, unexpectedNo } from './hsm-outcome.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcode.generate'>;
type Reply = BizReply<'ehc.ehealthcode.generate'>;

/**
 * `ehc.ehealthcode.generate`: `ewmbs` "0" makes a dynamic code — the validity block is the
 * generation time (the service clock) encrypted by the cipher machine under its protect key —
 * and "1" the card's static code, after the cipher machine confirmed the EHC-ID was derived
 * under its security key. Closed or unknown cards get no code.
 *
 * A dynamic code is (EHC-ID, generation second), so two generates for one card in one second
 * would be the same code and the second one unusable. The store reserves each second once per
 * card (`reserveCodeSecond`, a unique key with insert-or-step): the current second if free,
 * else the latest free earlier second, at most half the lifetime back (the code is then already
 * valid and keeps at least half its lifetime; `expire_time` is from the reserved second). If
 * all of them are taken the generate is refused `BUSY` rather than handing out a used code.
 */
export async function generate(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  const card = await activeCard(deps.store, biz.ehealth_card_id);
  if (biz.ewmbs === '1') {
    await checkCardIssued(deps, card);
    return { ehealth_code: staticCode(card, deps) };
  }
  // generate_no is the requester's idempotency key: the same number gets the same code back,
  // from any instance, and never a second code. The number is taken first (a placeholder row,
  // one conditional insert); whoever took it makes the code, the others wait for that code.
  const token = `${GENERATE_PENDING}${randomUUID()}`;
  const second = Math.floor(ctx.nowMs / 1000) * 1000;
  const taken = await deps.store.recordGenerate({
    appId: ctx.appId,
    generateNo: biz.generate_no,
    ehcId: card.ehcId,
    ehealthCode: token,
    expireTime: '',
    generatedMs: second,
  });
  if (taken.ehealthCode !== token) return sameGenerate(await settled(deps, taken), card.ehcId);
  try {
    const made = await makeCode(deps, ctx, card.ehcId, biz.generate_no, second);
    if (!(await deps.store.completeGenerate(token, made))) {
      throw new CentralError(CENTRAL_ERROR_CODES.BUSY, 'the generate could not be recorded; retry');
    }
    return { ehealth_code: made.ehealthCode, expire_time: made.expireTime };
  } catch (e) {
    await deps.store.abandonGenerate(ctx.appId, biz.generate_no, token).catch(() => undefined);
    throw e;
  }
}

/** Reserves a second, has the cipher machine encrypt it, and formats the code. */
async function makeCode(
  deps: MethodDeps,
  ctx: MethodContext,
  ehcId: string,
  generateNo: string,
  second: number,
): Promise<GeneratedCode> {
  const { lifetimeS, timeZone } = deps.config.validity;
  const generatedMs = await deps.store.reserveCodeSecond(
    ehcId,
    second,
    second - Math.floor(lifetimeS / 2) * 1000,
  );
  if (generatedMs === undefined) {
    throw new CentralError(CENTRAL_ERROR_CODES.BUSY, 'too many codes for this card just now; retry later');
  }
  const block = hsmValue(
    await deps.hsm.encryptValidity(generatedMs, { timeoutMs: deps.config.hsmTimeoutMs }),
    unexpectedNo('the validity encryption'),
  );
  const org = deps.config.orgCode;
  return {
    appId: ctx.appId,
    generateNo,
    ehcId,
    ehealthCode: formatEhcCode({
      ehcId,
      kind: 'dynamic',
      validity: block.blockHex,
      ...(org === undefined ? {} : { orgCode: org }),
    }),
    expireTime: validityDigits(generatedMs + lifetimeS * 1000, timeZone),
    generatedMs,
  };
}

/**
 * Waits for a generate another request (maybe on another instance) is answering: up to two
 * cipher-machine timeouts and a second, then BUSY (the requester retries with the same number).
 */
async function settled(deps: MethodDeps, g: GeneratedCode): Promise<GeneratedCode> {
  const deadline = Date.now() + 2 * deps.config.hsmTimeoutMs + 1000;
  let cur: GeneratedCode | undefined = g;
  while (cur?.ehealthCode.startsWith(GENERATE_PENDING)) {
    if (Date.now() > deadline) {
      throw new CentralError(CENTRAL_ERROR_CODES.BUSY, 'this generate_no is being answered; retry');
    }
    await new Promise((r) => setTimeout(r, 10));
    cur = await deps.store.findGenerate(g.appId, g.generateNo);
  }
  if (cur === undefined) {
    throw new CentralError(CENTRAL_ERROR_CODES.BUSY, 'the earlier generate with this number failed; retry');
  }
  return cur;
}

function sameGenerate(g: GeneratedCode, ehcId: string): Reply {
  if (g.ehcId !== ehcId) {
    throw new CentralError(CENTRAL_ERROR_CODES.BAD_FIELD, 'generate_no was already used for another card');
  }
  return { ehealth_code: g.ehealthCode, expire_time: g.expireTime };
}
