import type { CipherMachine, HsmNoReason, HsmUnavailableReason } from '../../clients/hsm/types.js';
import type { EhcCode } from '../../protocol/qr/index.js';
import type { InvalidReason, UnavailableReason, Verdict, Verifier, VerifyContext } from '../types.js';

/**
 * Verifies a dynamic code with the cipher machine: decrypt the validity block under the protect
 * key and check its window. The machine's `ok` is the only way to VALID; a definite `no` is
 * INVALID (expired, not yet valid, forged); everything else is UNAVAILABLE (fail closed). Static
 * and temporary codes carry no validity block: this verifier cannot vouch for them.
 */
export interface HsmVerifierOptions {
  readonly lifetimeS: number;
  readonly skewS: number;
}

const NO_TO_INVALID: Readonly<Record<HsmNoReason, InvalidReason>> = {
  expired: 'expired',
  'not-yet-valid': 'not-yet-valid',
  garbage: 'forged',
  'bad-signature': 'forged',
  'bad-ciphertext': 'forged',
  'bad-input': 'malformed',
};

const UNAVAILABLE: Readonly<Record<HsmUnavailableReason, UnavailableReason>> = {
  timeout: 'hsm-timeout',
  'connection-lost': 'hsm-unreachable',
  'connect-failed': 'hsm-unreachable',
  closed: 'hsm-unreachable',
  overloaded: 'hsm-unreachable',
  'malformed-reply': 'hsm-error',
  'hsm-error': 'hsm-error',
  'unknown-error-code': 'hsm-error',
};

export class HsmVerifier implements Verifier {
  readonly name = 'hsm' as const;

  constructor(
    private readonly hsm: CipherMachine,
    private readonly opts: HsmVerifierOptions,
  ) {}

  async verify(code: EhcCode, ctx: VerifyContext): Promise<Verdict> {
    if (code.kind !== 'dynamic' || code.validity === undefined) {
      return {
        verdict: 'UNAVAILABLE',
        reason: 'no-verifier',
        by: 'hsm',
        detail: `${code.kind} codes carry no validity block`,
      };
    }
    // The window is checked against the cipher machine's clock, not this terminal's: the machine
    // is the trust anchor, and a kiosk with a wrong clock must not widen a code's lifetime.
    const timing = ctx.timing;
    const r = await this.hsm.checkValidity(code.validity, {
      lifetimeS: this.opts.lifetimeS,
      skewS: this.opts.skewS,
      ...(timing ? { onRoundTrip: (ms: number) => timing.peerRoundTrip('hsm', ms) } : {}),
    });
    if (r.status === 'ok') return { verdict: 'VALID', by: 'hsm' };
    if (r.status === 'no')
      return { verdict: 'INVALID', reason: NO_TO_INVALID[r.reason], by: 'hsm', detail: r.reason };
    return { verdict: 'UNAVAILABLE', reason: UNAVAILABLE[r.reason], by: 'hsm', detail: r.reason };
  }
}
