import type { CentralClient } from '../clients/central/client.js';
import { validityDigits } from '../protocol/crypto/validity.js';
import { EhcError } from '../protocol/errors.js';

/**
 * The resident's phone app, as the lab needs it: register a card holder and ask the central
 * service for a static or dynamic code (`ehc.ehealthcard.register`, `ehc.ehealthcode.generate`).
 */
export interface Resident {
  readonly name: string;
  readonly idType: string;
  readonly idNo: string;
  readonly phone: string;
}

let serial = 0;
const nextNo = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(serial++).toString(36)}`;

export class PatientApp {
  constructor(
    private readonly client: CentralClient,
    private readonly timeZone = 'Asia/Shanghai',
  ) {}

  /** Registers the resident; resolves with the EHC-ID (64 hex). */
  async register(r: Resident): Promise<string> {
    const res = await this.client.register({
      register_no: nextNo('REG'),
      register_time: validityDigits(Date.now(), this.timeZone),
      id_type: r.idType,
      id_no: r.idNo,
      name: r.name,
      cellphone: r.phone,
    });
    if (res.status !== 'success')
      throw new EhcError('LAB_REGISTER_FAILED', `register failed: ${describe(res)}`);
    return res.biz.ehealth_card_id;
  }

  /** A fresh code for the card: dynamic (default) or static. */
  async code(ehcId: string, kind: 'dynamic' | 'static' = 'dynamic'): Promise<string> {
    const res = await this.client.generate({
      ehealth_card_id: ehcId,
      ewmbs: kind === 'dynamic' ? '0' : '1',
      generate_no: nextNo('GEN'),
      generate_time: validityDigits(Date.now(), this.timeZone),
    });
    if (res.status !== 'success')
      throw new EhcError('LAB_GENERATE_FAILED', `generate failed: ${describe(res)}`);
    return res.biz.ehealth_code;
  }
}

function describe(r: { status: string; errCode?: string; reason?: string }): string {
  return [r.status, r.errCode, r.reason].filter(Boolean).join(' ');
}
