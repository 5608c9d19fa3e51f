import { Business, sleep, whyOf } from '../central/business.js';
import type { CertifyContext, Station } from '../context.js';
import { CertifyError } from '../errors.js';
import { bad, type CertifyCheck, type Finding, finding, fmtMs, judge, ok } from './util.js';

const RECOVERY_LIMIT_MS = 15_000;

/** Fresh dynamic codes, each for its own new card (made before the cut, valid for the code lifetime). */
async function codes(b: Business, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const card = await b.newCard();
    const c: { code?: string; why?: string } = card.ehcId
      ? await b.freshCode(card.ehcId)
      : { why: card.why ?? 'no card' };
    if (!c.code) throw new CertifyError('CERTIFY_PROBE', `cannot prepare a code before the cut (${c.why})`);
    out.push(c.code);
  }
  return out;
}

/** One round of attempts while the machines are cut: nothing may succeed, no code may be accepted. */
async function attempts(
  b: Business,
  ehcId: string,
  scans: [Station, string][],
  verifyCode: string,
  label: string,
) {
  const f: Finding[] = [];
  const reg = await b.register(3000);
  f.push(
    finding(
      reg.status !== 'success',
      `${label}: registration ${reg.status === 'success' ? 'SUCCEEDED' : `refused (${whyOf(reg)})`}`,
    ),
  );
  const gen = await b.generate(ehcId, 3000);
  f.push(
    finding(
      gen.status !== 'success',
      `${label}: code generation ${gen.status === 'success' ? 'SUCCEEDED' : `refused (${whyOf(gen)})`}`,
    ),
  );
  const ver = await b.verify(verifyCode, { timeoutMs: 3000 });
  f.push(
    finding(
      ver.status !== 'success',
      `${label}: verification at the central service ${ver.status === 'success' ? 'SUCCEEDED' : `refused (${whyOf(ver)})`}`,
    ),
  );
  for (const [station, code] of scans) {
    const v = await station.scan(code);
    f.push(
      finding(
        v.verdict !== 'VALID',
        `${label}: a fresh code scanned at the ${station.name}: ${v.verdict}${v.reason ? ` (${v.reason})` : ''}${v.verdict === 'VALID' ? ' — ACCEPTED without the cipher machine' : ''}`,
      ),
    );
  }
  return f;
}

/** After the link is back: the business works again (registration, generation, verification, a scan). */
async function recovery(ctx: CertifyContext, b: Business, ehcId: string): Promise<Finding> {
  const t0 = performance.now();
  const station = ctx.stations[0]!;
  let last = '';
  while (performance.now() - t0 < RECOVERY_LIMIT_MS) {
    const reg = await b.register(3000);
    const code = await b.freshCode(ehcId);
    const code2 = reg.status === 'success' ? await b.freshCode(reg.biz.ehealth_card_id) : undefined;
    const ver = code.code ? await b.verify(code.code, { timeoutMs: 3000 }) : undefined;
    const scan = code2?.code ? await station.scan(code2.code) : undefined;
    if (reg.status === 'success' && ver?.status === 'success' && scan?.verdict === 'VALID') {
      return ok(
        `after restoring the link the business recovered within ${fmtMs(performance.now() - t0)}: registration, generation, verification and a scan at the ${station.name} all succeeded`,
      );
    }
    last = `registration ${whyOf(reg)}, generation ${code.why ?? 'ok'}, verification ${ver ? whyOf(ver) : '-'}, scan ${scan?.verdict ?? '-'}`;
    await sleep(250);
  }
  return bad(
    `the business did not recover within ${RECOVERY_LIMIT_MS / 1000} s of restoring the link (last: ${last})`,
  );
}

/**
 * 5.2-4 — the business depends on the cipher machine. With fresh codes prepared, every link to
 * every cipher machine is cut; twice (at once and after 1.5 s, past connection retries) a
 * registration, a generation and a verification are sent to the central service and fresh codes
 * are scanned at the window and the kiosk: nothing may succeed and the agent must accept no code.
 * Then the link is restored and the business must recover.
 */
export const cipherMachineCut: CertifyCheck = {
  id: '5.2-4',
  timeoutMs: 120_000,
  async run(ctx) {
    const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
    const f: Finding[] = [];
    const card = await b.newCard();
    if (!card.ehcId) return judge([bad(`cannot register a card before the cut (${card.why})`)]);
    const [window, kiosk] = [ctx.stations[0]!, ctx.stations[1] ?? ctx.stations[0]!];
    const c = await codes(b, 7);
    const baseline = await window.scan(c[0]!);
    f.push(
      finding(
        baseline.verdict === 'VALID',
        `before the cut a fresh code scanned at the ${window.name}: ${baseline.verdict}${baseline.reason ? ` (${baseline.reason})` : ''}`,
      ),
    );
    f.push(ok(`cut: ${await ctx.faults.cutCipherMachines()}`));
    try {
      f.push(
        ...(await attempts(
          b,
          card.ehcId,
          [
            [window, c[1]!],
            [kiosk, c[2]!],
          ],
          c[5]!,
          'at once',
        )),
      );
      await sleep(1500);
      f.push(
        ...(await attempts(
          b,
          card.ehcId,
          [
            [window, c[3]!],
            [kiosk, c[4]!],
          ],
          c[6]!,
          'after 1.5 s',
        )),
      );
    } finally {
      f.push(ok(`restore: ${await ctx.faults.restoreCipherMachines()}`));
    }
    f.push(await recovery(ctx, b, card.ehcId));
    return judge(
      f,
      'Make every registration, generation and verification path depend on the cipher machine and fail closed: no code may be accepted while it is unreachable (check the verifier configuration and any fallback that accepts codes).',
    );
  },
};
