import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { validityDigits } from '../../../protocol/crypto/validity.js';
import { formatEhcCode } from '../../../protocol/qr/index.js';
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
  const { lifetimeS, timeZone } = deps.config.validity;
  const second = Math.floor(ctx.nowMs / 1000) * 1000;
  const generatedMs = await deps.store.reserveCodeSecond(
    card.ehcId,
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
    ehealth_code: formatEhcCode({
      ehcId: card.ehcId,
      kind: 'dynamic',
      validity: block.blockHex,
      ...(org === undefined ? {} : { orgCode: org }),
    }),
    expire_time: validityDigits(generatedMs + lifetimeS * 1000, timeZone),
  };
}
