import type { Infer, Schema } from '../../../protocol/central/schema.js';
import { validityDigits } from '../../../protocol/crypto/validity.js';
import { normaliseCardId } from './card-view.js';
import type { MethodContext, MethodDeps } from './types.js';

/**
 * `ehc.monitor.usecard.query` — the monitoring platform's read side (certification checks that
 * card-use data reaches it, spec §5.4): card-use records in the order received, paged by `seq`.
 * Not a provincial method; the schema lives here until protocol/central adopts it.
 */
export const MONITOR_USECARD_QUERY = 'ehc.monitor.usecard.query';
export const MAX_MONITOR_PAGE = 1000;

export const monitorQueryRequest = {
  /** Records after this cursor (the previous page's `next_seq`); default from the start. */
  after_seq: { t: 'integer', optional: true, min: 0 },
  ehealth_card_id: { t: 'string', optional: true, pattern: /^[0-9A-Za-z]{1,128}$/ },
  terminalcode: { t: 'string', optional: true, max: 64 },
  /** Page size, 1–1000 (default 100). */
  limit: { t: 'integer', optional: true, min: 1, max: MAX_MONITOR_PAGE },
} as const satisfies Schema;

type Req = Infer<typeof monitorQueryRequest>;

export interface MonitorRecord {
  readonly seq: number;
  readonly record_id: string;
  readonly ehealth_card_id: string;
  readonly code_kind?: string;
  readonly medstepcode: string;
  readonly channelcode: string;
  readonly terminalcode: string;
  readonly use_time: string;
  readonly org_code?: string;
  readonly app_id: string;
  /** When the platform stored it, yyyyMMddHHmmss in the validity time zone. */
  readonly received_time: string;
}

export interface MonitorReply {
  readonly records: readonly MonitorRecord[];
  /** Pass as `after_seq` for the next page (equals `after_seq` when nothing new). */
  readonly next_seq: number;
}

const DIGIT = { dynamic: '0', static: '1', temporary: '9' } as const;

export async function monitorQuery(deps: MethodDeps, biz: Req, _ctx: MethodContext): Promise<MonitorReply> {
  const after = biz.after_seq ?? 0;
  const rows = await deps.store.queryUseRecords({
    afterSeq: after,
    limit: biz.limit ?? 100,
    ...(biz.ehealth_card_id === undefined ? {} : { ehcId: normaliseCardId(biz.ehealth_card_id) }),
    ...(biz.terminalcode === undefined ? {} : { terminalCode: biz.terminalcode }),
  });
  const tz = deps.config.validity.timeZone;
  return {
    records: rows.map((r) => ({
      seq: r.seq,
      record_id: r.recordId,
      ehealth_card_id: r.ehcId,
      ...(r.codeKind === undefined ? {} : { code_kind: DIGIT[r.codeKind] }),
      medstepcode: r.medStepCode,
      channelcode: r.channelCode,
      terminalcode: r.terminalCode,
      use_time: r.useTime,
      ...(r.orgCode === undefined ? {} : { org_code: r.orgCode }),
      app_id: r.appId,
      received_time: validityDigits(r.receivedMs, tz),
    })),
    next_seq: rows.length === 0 ? after : rows[rows.length - 1]!.seq,
  };
}
