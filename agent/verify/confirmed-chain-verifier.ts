import type { EhcCode } from '../../protocol/qr/index.js';
import type { Verdict, Verifier, VerifyContext } from '../types.js';

/**
 * The `chain` path for hospitals with several agents: the cipher machine answers first (fast,
 * local; a definite INVALID ends it), and a dynamic code it accepts is then claimed at the
 * central service, which enforces single use across every terminal and knows closed cards. The
 * central service's INVALID (replayed at another terminal, card closed) overrides the local
 * VALID. If the central service is unavailable the cipher machine's VALID stands — the agent's
 * own replay guard still applies — and the verdict is marked `degraded`; if the cipher machine
 * is unavailable the central service decides alone. Static codes go to the central service.
 */
export class ConfirmedChainVerifier implements Verifier {
  readonly name = 'chain' as const;

  constructor(
    private readonly hsm: Verifier,
    private readonly central: Verifier,
    private readonly onDegraded?: (code: EhcCode, centralVerdict: Verdict) => void,
  ) {}

  async verify(code: EhcCode, ctx: VerifyContext): Promise<Verdict> {
    const local = await safe(this.hsm, code, ctx);
    if (local.verdict === 'INVALID') return local;
    const remote = await safe(this.central, code, ctx);
    if (local.verdict === 'UNAVAILABLE') {
      // The cipher machine could not answer (or static code): the central service decides.
      return remote.verdict === 'UNAVAILABLE' && local.reason !== 'no-verifier' ? local : remote;
    }
    if (remote.verdict === 'UNAVAILABLE') {
      this.onDegraded?.(code, remote);
      return { ...local, degraded: `central ${remote.reason}: single use enforced by this agent only` };
    }
    return remote.verdict === 'VALID' ? { ...remote, by: 'chain' } : remote;
  }
}

async function safe(v: Verifier, code: EhcCode, ctx: VerifyContext): Promise<Verdict> {
  try {
    return await v.verify(code, ctx);
  } catch (e) {
    return {
      verdict: 'UNAVAILABLE',
      reason: 'internal',
      by: v.name,
      detail: e instanceof Error ? e.name : 'error',
    };
  }
}
