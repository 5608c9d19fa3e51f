import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { validityDigits } from '../../../protocol/crypto/validity.js';
import { formatEhcCode } from '../../../protocol/qr/index.js';
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
 */
export async function generate(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  const card = await activeCard(deps.store, biz.ehealth_card_id);
  if (biz.ewmbs === '1') {
    await checkCardIssued(deps, card);
    return { ehealth_code: staticCode(card, deps) };
  }
  const block = hsmValue(
    await deps.hsm.encryptValidity(ctx.nowMs, { timeoutMs: deps.config.hsmTimeoutMs }),
    unexpectedNo('the validity encryption'),
  );
  const org = deps.config.orgCode;
  const { lifetimeS, timeZone } = deps.config.validity;
  return {
    ehealth_code: formatEhcCode({
      ehcId: card.ehcId,
      kind: 'dynamic',
      validity: block.blockHex,
      ...(org === undefined ? {} : { orgCode: org }),
    }),
    expire_time: validityDigits(ctx.nowMs + lifetimeS * 1000, timeZone),
  };
}
