import type { EhcCode } from '../../protocol/qr/index.js';
import type { Verdict, Verifier, VerifyContext } from '../types.js';

/**
 * Tries verifiers in order and takes the first definite answer: VALID or INVALID ends the chain;
 * UNAVAILABLE moves on to the next. If every verifier is unavailable the verdict is the first
 * UNAVAILABLE that is not merely "this path cannot verify such codes" (the preferred real
 * failure is the one to report), so the code is refused.
 */
export class ChainVerifier implements Verifier {
  readonly name = 'chain' as const;

  constructor(private readonly verifiers: readonly Verifier[]) {
    if (verifiers.length === 0) throw new RangeError('a chain needs at least one verifier');
  }

  async verify(code: EhcCode, ctx: VerifyContext): Promise<Verdict> {
    let first: Verdict | undefined;
    for (const v of this.verifiers) {
      let verdict: Verdict;
      try {
        verdict = await v.verify(code, ctx);
      } catch (e) {
        verdict = {
          verdict: 'UNAVAILABLE',
          reason: 'internal',
          by: v.name,
          detail: e instanceof Error ? e.name : 'error',
        };
      }
      if (verdict.verdict !== 'UNAVAILABLE') return verdict;
      if (first === undefined || (first.verdict === 'UNAVAILABLE' && first.reason === 'no-verifier')) {
        if (first === undefined || verdict.reason !== 'no-verifier') first = verdict;
      }
    }
    return first!;
  }
}
