import type { CentralClient } from '../../clients/central/client.js';
import { maskIdNo, maskName } from '../../protocol/privacy/mask.js';
import type { EhcCode } from '../../protocol/qr/index.js';
import type { MaskedHolder, Verdict, Verifier, VerifyContext } from '../types.js';
import { failureVerdict, unavailableVerdict } from './central-results.js';

/**
 * Verifies any code online with `ehc.ehealthcode.verify` (the whole QR text plus medstepcode,
 * terminalcode, channelcode). The platform decrypts the validity block with its cipher machine
 * and enforces single use. Only its verified success is VALID.
 */
export class CentralVerifier implements Verifier {
  readonly name = 'central' as const;

  constructor(private readonly client: Pick<CentralClient, 'verify'>) {}

  async verify(code: EhcCode, ctx: VerifyContext): Promise<Verdict> {
    const r = await this.client.verify({
      ehealth_code: code.raw,
      medstepcode: ctx.medStepCode,
      terminalcode: ctx.terminalCode,
      channelcode: ctx.channelCode,
    });
    if (r.status === 'unavailable') return unavailableVerdict(r, 'central');
    if (r.status === 'failure') return failureVerdict(r.errCode, 'central');
    const holder = maskedHolder(r.biz.name, r.biz.id_no);
    return holder ? { verdict: 'VALID', by: 'central', holder } : { verdict: 'VALID', by: 'central' };
  }
}

/** The platform masks holder data already; masking again is idempotent and guards against one that does not. */
export function maskedHolder(name: string | undefined, idNo: string | undefined): MaskedHolder | undefined {
  if (name === undefined && idNo === undefined) return undefined;
  return { ...(name ? { name: maskName(name) } : {}), ...(idNo ? { idNo: maskIdNo(idNo) } : {}) };
}
