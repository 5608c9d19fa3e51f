import type { BizReply, BizRequest, UseCardRecord } from '../../../protocol/central/methods.js';
import type { CodeKind, UseRecord } from '../../../storage/central/contract.js';
import { CENTRAL_ERROR_CODES, wireErrCode } from '../errors.js';
import { normaliseCardId } from './card-view.js';
import type { MethodContext, MethodDeps } from './types.js';

type Req = BizRequest<'ehc.ehealthcode.usecarddate'>;
type Reply = BizReply<'ehc.ehealthcode.usecarddate'>;

const KINDS: Readonly<Record<string, CodeKind>> = { '0': 'dynamic', '1': 'static', '9': 'temporary' };

/**
 * `ehc.ehealthcode.usecarddate` (监测平台接口): a batch of card-use records, stored in one
 * transaction, idempotent by `record_id` — a record sent again is accepted and stored once.
 * Records from terminals the platform does not know are rejected one by one
 * (`CENTRAL_UNKNOWN_TERMINAL`); the others are still stored.
 */
export async function useCardDate(deps: MethodDeps, biz: Req, ctx: MethodContext): Promise<Reply> {
  const known = new Map<string, boolean>();
  const accepted: UseRecord[] = [];
  const rejected: { record_id: string; err_code: string }[] = [];
  for (const r of biz.records) {
    let ok = known.get(r.terminalcode);
    if (ok === undefined) {
      ok = (await deps.store.findTerminal(r.terminalcode))?.enabled === true;
      known.set(r.terminalcode, ok);
    }
    if (ok) accepted.push(toUseRecord(r));
    else
      rejected.push({ record_id: r.record_id, err_code: wireErrCode(CENTRAL_ERROR_CODES.UNKNOWN_TERMINAL) });
  }
  if (accepted.length > 0) await deps.store.insertUseRecords(accepted, ctx.appId, ctx.nowMs);
  return { accepted: accepted.map((r) => r.recordId), rejected };
}

function toUseRecord(r: UseCardRecord): UseRecord {
  const kind = r.code_kind === undefined ? undefined : KINDS[r.code_kind];
  return {
    recordId: r.record_id,
    ehcId: normaliseCardId(r.ehealth_card_id),
    ...(kind === undefined ? {} : { codeKind: kind }),
    medStepCode: r.medstepcode,
    terminalCode: r.terminalcode,
    channelCode: r.channelcode,
    useTime: r.use_time,
    ...(r.org_code === undefined ? {} : { orgCode: r.org_code }),
  };
}
