import type { Logger } from 'pino';
import type { CentralClient } from '../../clients/central/client.js';
import { CENTRAL_ERR_CODES } from '../../protocol/central/err-codes.js';
import { validityDigits } from '../../protocol/crypto/validity.js';
import type { CardUseRecord, SinkResult, UseRecordSink } from './types.js';

const KIND_DIGIT = { static: '1', dynamic: '0', temporary: '9' } as const;

/**
 * Delivers card-use records to the monitoring platform (`ehc.ehealthcode.usecarddate`). The
 * platform stores each record_id once and counts a duplicate as accepted, so re-sending a batch
 * after a lost reply is safe. Records it rejects individually are logged and count as delivered
 * (re-sending them cannot succeed); a rejected request is parked; anything else is retried.
 */
export class CentralUseRecordSink implements UseRecordSink {
  constructor(
    private readonly client: Pick<CentralClient, 'useCardDate'>,
    private readonly timeZone: string,
    private readonly logger?: Logger,
  ) {}

  async send(records: readonly CardUseRecord[]): Promise<SinkResult> {
    const r = await this.client.useCardDate({
      records: records.map((x) => ({
        record_id: x.recordId.replace(/[^0-9A-Za-z_-]/g, ''),
        ehealth_card_id: x.ehcId,
        code_kind: KIND_DIGIT[x.codeKind],
        medstepcode: x.medStepCode,
        channelcode: x.channelCode,
        terminalcode: x.terminalCode,
        use_time: validityDigits(Date.parse(x.usedAt), this.timeZone),
      })),
    });
    if (r.status === 'unavailable') return { status: 'unavailable', reason: r.reason };
    if (r.status === 'failure') {
      return r.errCode === CENTRAL_ERR_CODES.badRequest
        ? { status: 'rejected', reason: r.errCode }
        : { status: 'unavailable', reason: r.errCode ?? 'failure' };
    }
    if (r.biz.rejected.length > 0) {
      this.logger?.warn({ rejected: r.biz.rejected }, 'monitoring platform rejected card-use records');
    }
    return { status: 'ok' };
  }
}
