/**
 * Card-use records (用卡数据) for the monitoring platform (`ehc.ehealthcode.usecarddate`), kept in
 * a durable outbox and delivered in batches. Record ids are idempotency keys: the receiver stores
 * a record id once, so a batch re-sent after a crash or a lost reply is never counted twice.
 */
export interface CardUseRecord {
  readonly recordId: string;
  readonly ehcId: string;
  readonly codeKind: 'static' | 'dynamic' | 'temporary';
  readonly medStepCode: string;
  readonly terminalCode: string;
  readonly channelCode: string;
  /** ISO 8601 time of use. */
  readonly usedAt: string;
}

export type SinkResult =
  | { readonly status: 'ok' }
  /** Try again later (timeout, network, 5xx): nothing is known to be stored. */
  | { readonly status: 'unavailable'; readonly reason: string }
  /** The receiver refused the batch for good (bad data): the records are parked, not retried. */
  | { readonly status: 'rejected'; readonly reason: string };

export interface UseRecordSink {
  send(records: readonly CardUseRecord[]): Promise<SinkResult>;
}
