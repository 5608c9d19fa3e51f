import { randomBytes } from 'node:crypto';
import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import type { CardRecord } from '../../../storage/central/contract.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { staticCode } from './card-view.js';
import { hsmValue, unexpectedNo } from './hsm-outcome.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcard.register'>;
type Reply = BizReply<'ehc.ehealthcard.register'>;

const ID_CHARS = /^[\x21-\x7e]+$/;
const DETAIL_FIELDS = [
  'apply_type',
  'nation',
  'nationality',
  'domicile',
  'telephone',
  'address',
  'workcode',
  'maritalstatus',
  'rzfs',
] as const;

/**
 * `ehc.ehealthcard.register`: creates the main-index record (a fresh random 64-hex main-index
 * ID) and derives the EHC-ID from it and the person's ID through the cipher machine.
 *
 * Idempotent on `register_no`: the same number for the same person answers the stored card; for
 * another person it is a conflict. One card per person: registering a known person under a new
 * number answers their card. A closed card is not reissued (the person's card is refused).
 */
export async function register(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  if (!ID_CHARS.test(biz.id_type) || !ID_CHARS.test(biz.id_no)) {
    throw new CentralError(CENTRAL_ERROR_CODES.BAD_FIELD, 'id_type and id_no must be printable ASCII');
  }
  const known = await deps.store.findCardByRegisterNo(biz.register_no);
  if (known !== undefined) return answer(deps, known, biz);

  const mainIndexId = randomBytes(32).toString('hex').toUpperCase();
  const ehcId = hsmValue(
    await deps.hsm.deriveEhcId(mainIndexId, biz.id_type, biz.id_no, { timeoutMs: deps.config.hsmTimeoutMs }),
    unexpectedNo('the EHC-ID derivation'),
  );
  const details: Record<string, string> = {};
  for (const f of DETAIL_FIELDS) {
    const v = biz[f];
    if (v !== undefined) details[f] = v;
  }
  const card: CardRecord = {
    ehcId,
    mainIndexId,
    registerNo: biz.register_no,
    appId: ctx.appId,
    idType: biz.id_type,
    idNo: biz.id_no,
    name: biz.name,
    gender: biz.gender ?? '',
    birthday: biz.birthday ?? '',
    cellphone: biz.cellphone ?? '',
    details,
    status: 'active',
    registeredMs: ctx.nowMs,
  };
  const r = await deps.store.insertCard(card);
  return r.inserted
    ? { ehealth_card_id: ehcId, ehealth_code: staticCode(card, deps) }
    : answer(deps, r.existing, biz);
}

function answer(deps: MethodDeps, card: CardRecord, biz: Req): Reply {
  if (card.idType !== biz.id_type || card.idNo !== biz.id_no) {
    throw new CentralError(
      CENTRAL_ERROR_CODES.REGISTER_CONFLICT,
      'register_no was already used for another person',
    );
  }
  if (card.status === 'closed') {
    throw new CentralError(CENTRAL_ERROR_CODES.CARD_CLOSED, "the person's card is closed");
  }
  return { ehealth_card_id: card.ehcId, ehealth_code: staticCode(card, deps) };
}
