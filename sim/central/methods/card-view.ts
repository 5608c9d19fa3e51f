import { maskIdNo, maskName } from '../../../protocol/privacy/mask.js';
import { formatEhcCode } from '../../../protocol/qr/index.js';
import type { CardRecord, CentralStore } from '../../../storage/central/contract.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import type { MethodDeps } from './types.js';

/** The card's static QR text (`<EHC-ID>:1` or `<EHC-ID>:1::<org>`). */
export function staticCode(card: CardRecord, deps: MethodDeps): string {
  const org = deps.config.orgCode;
  return formatEhcCode({ ehcId: card.ehcId, kind: 'static', ...(org === undefined ? {} : { orgCode: org }) });
}

/** Holder data as replies carry it: masked, never in clear. */
export function maskedHolder(card: CardRecord): { id_type: string; id_no: string; name: string } {
  return { id_type: card.idType, id_no: maskIdNo(card.idNo), name: maskName(card.name) };
}

/** EHC-IDs are hex: compare upper case. Plaintext id forms are not EHC-IDs and find nothing. */
export function normaliseCardId(id: string): string {
  return id.toUpperCase();
}

/** The card, which must exist and be active; otherwise the matching refusal. */
export async function activeCard(store: CentralStore, ehcId: string): Promise<CardRecord> {
  const card = await store.findCardByEhcId(normaliseCardId(ehcId));
  if (card === undefined) throw new CentralError(CENTRAL_ERROR_CODES.UNKNOWN_CARD, 'no such card');
  if (card.status === 'closed') throw new CentralError(CENTRAL_ERROR_CODES.CARD_CLOSED, 'the card is closed');
  return card;
}
