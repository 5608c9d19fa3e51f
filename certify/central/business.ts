import { randomInt } from 'node:crypto';
import type { CentralClient } from '../../clients/central/client.js';
import type { CentralResult } from '../../clients/central/types.js';
import { validityDigits } from '../../protocol/crypto/validity.js';
import type { Txn } from '../load/load-runner.js';

/**
 * The business transactions of the networking test, as the hospital's apps send them to the
 * central service: registration (用户注册), dynamic code generation (二维码生成), verification
 * (二维码验证). Every request carries fresh serial numbers and, for registrations, a person never
 * registered before (a run prefix plus a counter), so no request is a replay of another.
 */
export class Business {
  private serial = 0;
  readonly run: string;
  /** The last code generated per card (a card yields one distinct dynamic code per second). */
  private readonly lastCode = new Map<string, string>();

  constructor(
    private readonly client: CentralClient,
    private readonly terminalCode: string,
  ) {
    this.run = String(randomInt(100_000, 999_999));
  }

  private next(prefix: string): string {
    return `${prefix}${this.run}-${++this.serial}`;
  }

  /** A synthetic test person: ID type 01 with an 18-character number unique to this run. */
  person(): { id_type: string; id_no: string; name: string } {
    const n = ++this.serial;
    return { id_type: '01', id_no: `${this.run}${String(n).padStart(11, '0')}X`, name: '检测用户' };
  }

  register(timeoutMs?: number) {
    const now = Date.now();
    return this.client.register(
      {
        register_no: this.next('CR'),
        register_time: validityDigits(now),
        ...this.person(),
        gender: '1',
        cellphone: '13800000000',
      },
      timeoutMs === undefined ? undefined : { timeoutMs },
    );
  }

  generate(ehcId: string, timeoutMs?: number) {
    return this.client.generate(
      {
        ehealth_card_id: ehcId,
        ewmbs: '0',
        generate_no: this.next('CG'),
        generate_time: validityDigits(Date.now()),
      },
      timeoutMs === undefined ? undefined : { timeoutMs },
    );
  }

  verify(code: string, opts: { medStepCode?: string; channelCode?: string; timeoutMs?: number } = {}) {
    return this.client.verify(
      {
        ehealth_code: code,
        medstepcode: opts.medStepCode ?? '010101',
        terminalcode: this.terminalCode,
        channelcode: opts.channelCode ?? '01',
      },
      opts.timeoutMs === undefined ? undefined : { timeoutMs: opts.timeoutMs },
    );
  }

  /** Registers a new person; the EHC-ID, or undefined with the reason. */
  async newCard(): Promise<{ ehcId?: string; why?: string }> {
    const r = await this.register();
    return r.status === 'success' ? { ehcId: r.biz.ehealth_card_id } : { why: whyOf(r) };
  }

  /**
   * Generates a dynamic code and says whether it `repeat`s the card's previous one: the validity
   * block is the generation second, so two generations in the same second give the same code.
   */
  async generateCode(ehcId: string, timeoutMs?: number) {
    const r = await this.generate(ehcId, timeoutMs);
    let repeat = false;
    if (r.status === 'success') {
      repeat = this.lastCode.get(ehcId) === r.biz.ehealth_code;
      this.lastCode.set(ehcId, r.biz.ehealth_code);
    }
    return { r, repeat };
  }

  /** A dynamic code never handed out before for `ehcId` (waits for the next second if needed). */
  async freshCode(ehcId: string): Promise<{ code?: string; why?: string }> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const { r, repeat } = await this.generateCode(ehcId);
      if (r.status !== 'success') return { why: whyOf(r) };
      if (!repeat) return { code: r.biz.ehealth_code };
      await sleep(1000 - (Date.now() % 1000) + 50);
    }
    return { why: 'the service keeps answering the same code' };
  }
}

/** A short reason for a result that is not a success: the platform's err_code or the client's reason. */
export function whyOf(r: CentralResult<unknown>): string {
  if (r.status === 'success') return 'success';
  if (r.status === 'failure') return r.errCode ?? 'failure';
  return r.reason;
}

/** A central result as a load transaction (success only when the service said so). */
export function txnOf(r: CentralResult<unknown>): Txn {
  return r.status === 'success'
    ? { ok: true, ms: r.elapsedMs }
    : { ok: false, why: whyOf(r), ms: r.elapsedMs };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
