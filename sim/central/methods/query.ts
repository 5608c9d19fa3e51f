import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { maskedHolder, normaliseCardId, staticCode } from './card-view.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcode.query'>;
type Reply = BizReply<'ehc.ehealthcode.query'>;

/**
 * `ehc.ehealthcode.query`: a card by EHC-ID, or by id type + number. Answers the masked holder,
 * the card status ("1" normal, "2" closed/suspended) and the static QR text. Needs no cipher
 * machine: it only reads the main index.
 */
export async function query(deps: MethodDeps, biz: Req, _ctx: MethodContext): Promise<Reply> {
  const card =
    biz.ehealth_card_id !== undefined
      ? await deps.store.findCardByEhcId(normaliseCardId(biz.ehealth_card_id))
      : await deps.store.findCardByPerson(biz.id_type ?? '', biz.id_no ?? '');
  if (card === undefined) throw new CentralError(CENTRAL_ERROR_CODES.UNKNOWN_CARD, 'no such card');
  return {
    ehealth_card_id: card.ehcId,
    ...maskedHolder(card),
    card_attr: '2',
    card_status: card.status === 'active' ? '1' : '2',
    ehealth_code: staticCode(card, deps),
  };
}
