import { randomInt } from 'node:crypto';
import {
  type BizReply,
  type BizRequest,
  CENTRAL_METHODS,
  type CentralMethod,
  DEFAULT_VERSION,
  openReply,
  sealRequest,
} from '../../protocol/central/index.js';
import type { Judgement } from './phase.js';

/** Who the load generator is at the service: an app and a registered terminal. */
export interface LoadCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly terminalCode: string;
}

/**
 * The requests of the load test, each a fresh signed envelope (unique serial numbers and
 * persons, so no request is a replay and every registration is a new card), and the judges of
 * their replies (the reply must open — digest and all — with the success code). Registration
 * replies feed the card list, generation replies the pool of dynamic codes for verification.
 */
export class LoadWorkload {
  readonly cards: string[] = [];
  private readonly codes: string[] = [];
  private readonly seen = new Set<string>();
  private readonly run = String(randomInt(10_000, 99_999));
  private serial = 0;
  private nextCard = 0;
  private nextCode = 0;

  constructor(private readonly cred: LoadCredentials) {}

  /** Unused dynamic codes left in the pool. */
  get poolSize(): number {
    return this.codes.length - this.nextCode;
  }

  /** Forgets pooled codes (e.g. ones that may have aged since they were generated). */
  dropPool(): void {
    this.nextCode = this.codes.length;
  }

  registerBody = (): string => {
    const n = ++this.serial;
    return this.seal(CENTRAL_METHODS.register, {
      register_no: `L${this.run}-${n}`,
      register_time: '20240301100000',
      id_type: '01',
      id_no: `${this.run}${String(n).padStart(12, '0')}X`,
      name: '压测用户',
      gender: n % 2 === 0 ? '2' : '1',
      cellphone: '13800000000',
    });
  };

  generateBody = (): string => {
    const card = this.cards[this.nextCard++ % Math.max(1, this.cards.length)] ?? '';
    return this.seal(CENTRAL_METHODS.generate, {
      ehealth_card_id: card,
      ewmbs: '0',
      generate_no: `G${this.run}-${++this.serial}`,
      generate_time: '20240301100000',
    });
  };

  /**
   * The next pooled code, each used once. Once the pool is empty (only after the phase was told
   * to stop: it stops while codes remain for every connection) the last code is sent again, and
   * that reply is not counted.
   */
  verifyBody = (): string => {
    let code = this.codes[this.nextCode];
    if (code === undefined) code = this.codes[this.codes.length - 1] ?? '';
    else this.nextCode++;
    return this.seal(CENTRAL_METHODS.verify, {
      ehealth_code: code,
      medstepcode: '010101',
      terminalcode: this.cred.terminalCode,
      channelcode: '02',
    });
  };

  /** The baseline's body: an envelope of the same size, never opened by the no-op endpoint. */
  readonly noopBody = (): string => this.noop;
  private readonly noop = JSON.stringify(
    sealRequest(
      {
        appId: 'NOOP',
        termId: 'NOOP',
        method: CENTRAL_METHODS.verify,
        version: DEFAULT_VERSION,
        timestamp: 0,
        biz: {
          ehealth_code: `${'0'.repeat(64)}:0:${'0'.repeat(32)}`,
          medstepcode: '010101',
          terminalcode: 'NOOP',
          channelcode: '02',
        },
      },
      '0000000000000000',
    ),
  );

  judgeRegister = (body: string): Judgement => {
    const r = this.open(CENTRAL_METHODS.register, body);
    if (r.ok) this.cards.push(r.biz.ehealth_card_id);
    return r.ok ? { ok: true } : r;
  };

  judgeGenerate = (body: string): Judgement => {
    const r = this.open(CENTRAL_METHODS.generate, body);
    if (r.ok && !this.seen.has(r.biz.ehealth_code)) {
      this.seen.add(r.biz.ehealth_code);
      this.codes.push(r.biz.ehealth_code);
    }
    return r.ok ? { ok: true } : r;
  };

  judgeVerify = (body: string): Judgement => {
    const r = this.open(CENTRAL_METHODS.verify, body);
    return r.ok ? { ok: true } : r;
  };

  judgeNoop = (body: string): Judgement =>
    body.includes('"code":"10"') ? { ok: true } : { ok: false, why: 'noop' };

  private seal<M extends CentralMethod>(method: M, biz: BizRequest<M>): string {
    return JSON.stringify(
      sealRequest(
        {
          appId: this.cred.appId,
          termId: this.cred.terminalCode,
          method,
          version: DEFAULT_VERSION,
          timestamp: Date.now(),
          biz,
        },
        this.cred.appSecret,
      ),
    );
  }

  private open<M extends CentralMethod>(
    method: M,
    body: string,
  ): { ok: true; biz: BizReply<M> } | { ok: false; why: string } {
    const r = openReply<M>(body, {
      secret: this.cred.appSecret,
      request: { appId: this.cred.appId, termId: this.cred.terminalCode, method },
    });
    if (!r.ok) return { ok: false, why: `reply-${r.error.type}` };
    if (r.value.status !== 'success') return { ok: false, why: r.value.errCode ?? 'failure' };
    return { ok: true, biz: r.value.biz };
  }
}
