import type { CardRecord } from '../../../storage/central/contract.js';
import { CENTRAL_ERROR_CODES, CentralError } from '../errors.js';
import { hsmValue, unexpectedNo } from './hsm-outcome.js';
import type { MethodDeps } from './types.js';

/**
 * Re-derives the card's EHC-ID from its main-index ID and the person's ID through the cipher
 * machine and compares: a static code is only honoured if its EHC-ID is one the security key
 * issued (a row altered in the database does not verify), and like every code it needs the
 * cipher machine (spec §5.2-4).
 */
export async function checkCardIssued(deps: MethodDeps, card: CardRecord): Promise<void> {
  const derived = hsmValue(
    await deps.hsm.deriveEhcId(card.mainIndexId, card.idType, card.idNo, {
      timeoutMs: deps.config.hsmTimeoutMs,
    }),
    unexpectedNo('the EHC-ID derivation'),
  );
  if (derived.toUpperCase() !== card.ehcId) {
    throw new CentralError(
      CENTRAL_ERROR_CODES.CODE_FORGED,
      'the EHC-ID was not derived under the security key',
    );
  }
}
