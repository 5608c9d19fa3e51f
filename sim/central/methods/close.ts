import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { normaliseCardId } from './card-view.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcard.close'>;
type Reply = BizReply<'ehc.ehealthcard.close'>;

/**
 * `ehc.ehealthcard.close` (注销): a closed card never verifies and gets no new codes. Closing is
 * one conditional UPDATE and idempotent: closing a closed card answers success again.
 */
export async function close(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  const ehcId = normaliseCardId(biz.ehealth_card_id);
  const r = await deps.store.closeCard(ehcId, biz.revoke_no, ctx.nowMs);
  if (r === 'unknown') throw new CentralError(CENTRAL_ERROR_CODES.UNKNOWN_CARD, 'no such card');
  return { ehealth_card_id: ehcId };
}
