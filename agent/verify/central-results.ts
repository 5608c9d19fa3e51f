import type { CentralResult } from '../../clients/central/types.js';
import { CENTRAL_ERR_CODES } from '../../protocol/central/err-codes.js';
import type { InvalidReason, UnavailableReason, Verdict, VerifierName } from '../types.js';

/**
 * Maps the central service's answers to verdicts. A failure ("00") about the code or card is a
 * definite INVALID; a failure about the platform itself (its cipher machine, our credentials or
 * request) is not a verdict on the code and maps to UNAVAILABLE, so the code is refused and a
 * chain may try another path.
 */
const ERR_TO_INVALID: Readonly<Record<string, InvalidReason>> = {
  [CENTRAL_ERR_CODES.codeMalformed]: 'malformed',
  [CENTRAL_ERR_CODES.codeForged]: 'forged',
  [CENTRAL_ERR_CODES.codeExpired]: 'expired',
  [CENTRAL_ERR_CODES.codeNotYetValid]: 'not-yet-valid',
  [CENTRAL_ERR_CODES.codeUsed]: 'replayed',
  [CENTRAL_ERR_CODES.cardNotFound]: 'unknown-card',
  [CENTRAL_ERR_CODES.cardSuspended]: 'card-closed',
  [CENTRAL_ERR_CODES.cardClosed]: 'card-closed',
  [CENTRAL_ERR_CODES.terminalUnknown]: 'unknown-terminal',
};

const PLATFORM_ERRORS: ReadonlySet<string> = new Set([
  CENTRAL_ERR_CODES.internal,
  CENTRAL_ERR_CODES.hsmUnavailable,
  CENTRAL_ERR_CODES.busy,
  CENTRAL_ERR_CODES.requestReplayed,
  CENTRAL_ERR_CODES.methodNotAllowed,
  CENTRAL_ERR_CODES.badDigest,
  CENTRAL_ERR_CODES.badEncryption,
  CENTRAL_ERR_CODES.badRequest,
  CENTRAL_ERR_CODES.staleTimestamp,
  CENTRAL_ERR_CODES.unknownApp,
  CENTRAL_ERR_CODES.unknownMethod,
]);

export function unavailableVerdict(
  r: Extract<CentralResult<unknown>, { status: 'unavailable' }>,
  by: VerifierName,
): Verdict {
  const reason: UnavailableReason =
    r.reason === 'timeout'
      ? 'central-timeout'
      : r.reason === 'connection'
        ? 'central-unreachable'
        : 'central-error';
  return { verdict: 'UNAVAILABLE', reason, by, detail: r.reason };
}

export function failureVerdict(errCode: string | undefined, by: VerifierName): Verdict {
  if (errCode !== undefined && PLATFORM_ERRORS.has(errCode)) {
    return { verdict: 'UNAVAILABLE', reason: 'central-error', by, detail: errCode };
  }
  const reason = errCode === undefined ? undefined : ERR_TO_INVALID[errCode];
  return { verdict: 'INVALID', reason: reason ?? 'refused', by, ...(errCode ? { detail: errCode } : {}) };
}
