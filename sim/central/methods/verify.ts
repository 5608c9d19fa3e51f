import { randomUUID } from 'node:crypto';
import type { BizReply, BizRequest } from '../../../protocol/central/methods.js';
import { KIND_DIGIT, parseEhcCode } from '../../../protocol/qr/index.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { checkCardIssued } from './card-check.js';
import { activeCard, maskedHolder } from './card-view.js';
import { hsmValue, validityRefusal } from './hsm-outcome.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcode.verify'>;
type Reply = BizReply<'ehc.ehealthcode.verify'>;

/**
 * `ehc.ehealthcode.verify`, in this order: the QR text parses; the terminal is registered and
 * enabled; the card exists and is not closed (for a dynamic code read while the cipher machine
 * checks the window); then
 * - dynamic code: the cipher machine decrypts the validity block and checks it against the
 *   lifetime and skew at the service clock; then the code is claimed — one atomic
 *   insert-or-add-a-use on (EHC-ID, validity) while uses < `validity.usesPerCode` — so of any
 *   number of concurrent presentations of a single-use code exactly one succeeds (`surplus_num`
 *   0, the uses left) and the rest are `CODE_REPLAYED`, also across service instances;
 * - static or temporary code: the cipher machine confirms the EHC-ID (see `checkCardIssued`);
 *   such codes identify the person and may be presented again.
 * The reply carries the holder's data masked.
 */
export async function verify(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  const parsed = parseEhcCode(biz.ehealth_code);
  if (!parsed.ok) {
    throw new CentralError(CENTRAL_ERROR_CODES.MALFORMED_CODE, `not an EHC code (${parsed.error.type})`);
  }
  const code = parsed.value;
  const terminal = await deps.store.findTerminal(biz.terminalcode);
  if (terminal === undefined || !terminal.enabled) {
    throw new CentralError(CENTRAL_ERROR_CODES.UNKNOWN_TERMINAL, 'the terminal is not registered');
  }
  if (code.kind !== 'dynamic' || code.validity === undefined) {
    const card = await activeCard(deps.store, code.ehcId);
    await checkCardIssued(deps, card);
    return { ehealth_card_id: card.ehcId, code_kind: KIND_DIGIT[code.kind], ...maskedHolder(card) };
  }
  // The card read and the cipher machine's window check do not depend on each other: both in
  // flight at once (one round trip less). The card's refusal still comes first, as before.
  const { lifetimeS, skewS } = deps.config.validity;
  const validity = deps.hsm.checkValidity(code.validity, {
    nowMs: ctx.nowMs,
    lifetimeS,
    skewS,
    timeoutMs: deps.config.hsmTimeoutMs,
  });
  validity.catch(() => undefined); // awaited below unless the card is refused first
  const card = await activeCard(deps.store, code.ehcId);
  const holder = maskedHolder(card);
  const checked = hsmValue(await validity, validityRefusal);
  const claim = await deps.store.claimCode({
    ehcId: card.ehcId,
    validity: code.validity,
    generatedMs: checked.generatedMs,
    usedMs: ctx.nowMs,
    terminalCode: terminal.terminalCode,
    maxUses: deps.config.validity.usesPerCode,
    claimId: randomUUID(),
  });
  if (!claim.accepted) {
    throw new CentralError(CENTRAL_ERROR_CODES.CODE_REPLAYED, 'the dynamic code was already used');
  }
  return {
    ehealth_card_id: card.ehcId,
    code_kind: KIND_DIGIT.dynamic,
    ...holder,
    surplus_num: claim.usesLeft,
  };
}
