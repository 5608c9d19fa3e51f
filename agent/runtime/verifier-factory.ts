import type { CentralClient } from '../../clients/central/client.js';
import type { CipherMachine } from '../../clients/hsm/types.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { Verifier } from '../types.js';
import { CentralVerifier } from '../verify/central-verifier.js';
import { ChainVerifier } from '../verify/chain-verifier.js';
import { ConfirmedChainVerifier } from '../verify/confirmed-chain-verifier.js';
import { HsmVerifier } from '../verify/hsm-verifier.js';
import { StaticLookupVerifier } from '../verify/static-lookup-verifier.js';

/**
 * The verification path for `verify.mode`:
 * - `hsm`: the cipher machine for dynamic codes; static codes looked up at the central service
 *   when `staticLookup` is on, otherwise refused (nothing can vouch for them).
 * - `central`: the central service for every code.
 * - `chain`: the cipher machine first; a dynamic code it accepts is confirmed (single use across
 *   terminals, card status) at the central service; the central service alone when the machine
 *   is unavailable or the code is static. See ConfirmedChainVerifier.
 */
export function buildVerifier(
  config: AgentConfig,
  hsm: CipherMachine | undefined,
  central: CentralClient | undefined,
): Verifier {
  const window = { lifetimeS: config.verify.lifetimeS, skewS: config.verify.skewS };
  const hsmV = hsm ? new HsmVerifier(hsm, window) : undefined;
  const centralV = central ? new CentralVerifier(central) : undefined;
  switch (config.verify.mode) {
    case 'hsm': {
      if (!hsmV) throw new RangeError('verify.mode hsm needs a cipher machine');
      return config.verify.staticLookup && central
        ? new ChainVerifier([hsmV, new StaticLookupVerifier(central)])
        : hsmV;
    }
    case 'central':
      if (!centralV) throw new RangeError('verify.mode central needs the central service');
      return centralV;
    case 'chain':
      if (!hsmV || !centralV)
        throw new RangeError('verify.mode chain needs the cipher machine and the central service');
      return new ConfirmedChainVerifier(hsmV, centralV);
  }
}
