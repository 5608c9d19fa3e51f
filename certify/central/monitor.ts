import {
  computeDigest,
  DEFAULT_VERSION,
  decryptBizContent,
  digestFields,
  digestMatches,
  encryptBizContent,
  PROVINCIAL_DIALECT,
} from '../../protocol/central/index.js';
import type { MonitorRecord } from '../context.js';
import { CertifyError } from '../errors.js';

/** The monitoring platform's read method (not a provincial method: sealed here by hand). */
export const MONITOR_QUERY_METHOD = 'ehc.monitor.usecard.query';

export interface MonitorApp {
  readonly appId: string;
  readonly appSecret: string;
  readonly termId: string;
}

/**
 * Reads the card-use records the monitoring interface holds for one card (spec §5.4-9), paging
 * with the `next_seq` cursor. The request is sealed and the reply opened with the protocol's own
 * primitives: SM4 biz_content, SM3 digest over the plaintext — a reply whose digest does not
 * match is refused (`CERTIFY_PROBE`), never read.
 */
export async function queryMonitor(
  f: typeof fetch,
  url: string,
  app: MonitorApp,
  ehcId: string,
): Promise<MonitorRecord[]> {
  const out: MonitorRecord[] = [];
  let after = 0;
  for (let page = 0; page < 50; page++) {
    const biz = { ehealth_card_id: ehcId, after_seq: after, limit: 1000 };
    const reply = await post(f, url, app, biz);
    const records = (reply.records ?? []) as MonitorRecord[];
    out.push(...records);
    const next = Number(reply.next_seq ?? after);
    if (records.length === 0 || next === after) break;
    after = next;
  }
  return out;
}

async function post(
  f: typeof fetch,
  url: string,
  app: MonitorApp,
  biz: unknown,
): Promise<Record<string, unknown>> {
  const plaintext = JSON.stringify(biz);
  const head = {
    app_id: app.appId,
    term_id: app.termId,
    method: MONITOR_QUERY_METHOD,
    version: DEFAULT_VERSION,
    timestamp: String(Date.now()),
    digest_type: 'SM3',
    enc_type: 'SM4',
  } as const;
  const digest = computeDigest(digestFields(head, plaintext, 'request'), app.appSecret, PROVINCIAL_DIALECT);
  const body = JSON.stringify({
    ...head,
    biz_content: encryptBizContent(plaintext, app.appSecret, PROVINCIAL_DIALECT),
    digest,
  });
  const res = await f(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(5000),
  });
  const env = (await res.json()) as Record<string, string>;
  if (env.code !== PROVINCIAL_DIALECT.resultCodes.success) {
    throw new CertifyError(
      'CERTIFY_PROBE',
      `monitoring query refused: ${env.err_code ?? env.code ?? 'no code'} ${env.msg ?? ''}`.trim(),
    );
  }
  const plain = decryptBizContent(env.biz_content ?? '', app.appSecret, PROVINCIAL_DIALECT);
  if (!plain.ok) throw new CertifyError('CERTIFY_PROBE', 'monitoring reply does not decrypt');
  const expected = computeDigest(digestFields(env, plain.value, 'reply'), app.appSecret, PROVINCIAL_DIALECT);
  if (!digestMatches(env.digest ?? '', expected))
    throw new CertifyError('CERTIFY_PROBE', 'monitoring reply digest does not match');
  return JSON.parse(plain.value) as Record<string, unknown>;
}
