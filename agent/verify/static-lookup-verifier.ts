import type { CentralClient } from '../../clients/central/client.js';
import type { EhcCode } from '../../protocol/qr/index.js';
import type { Verdict, Verifier } from '../types.js';
import { failureVerdict, unavailableVerdict } from './central-results.js';
import { maskedHolder } from './central-verifier.js';

/**
 * Static and temporary codes identify a person; they carry no validity block for the cipher
 * machine. With `verify.staticLookup` on, this verifier looks the card up
 * (`ehc.ehealthcode.query`): a card in normal status is VALID, a suspended one INVALID. Dynamic
 * codes are not its business (UNAVAILABLE no-verifier), so it sits behind the cipher machine in
 * a chain.
 */
export class StaticLookupVerifier implements Verifier {
  readonly name = 'static' as const;

  constructor(private readonly client: Pick<CentralClient, 'query'>) {}

  async verify(code: EhcCode): Promise<Verdict> {
    if (code.kind === 'dynamic') {
      return {
        verdict: 'UNAVAILABLE',
        reason: 'no-verifier',
        by: 'static',
        detail: 'dynamic codes need the cipher machine',
      };
    }
    const r = await this.client.query({ ehealth_card_id: code.ehcId });
    if (r.status === 'unavailable') return unavailableVerdict(r, 'static');
    if (r.status === 'failure') return failureVerdict(r.errCode, 'static');
    if (r.biz.ehealth_card_id.toUpperCase() !== code.ehcId) {
      return {
        verdict: 'UNAVAILABLE',
        reason: 'central-error',
        by: 'static',
        detail: 'reply names another card',
      };
    }
    if (r.biz.card_status === '2') return { verdict: 'INVALID', reason: 'card-closed', by: 'static' };
    const holder = maskedHolder(r.biz.name, r.biz.id_no);
    return holder ? { verdict: 'VALID', by: 'static', holder } : { verdict: 'VALID', by: 'static' };
  }
}
