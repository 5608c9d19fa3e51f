import type { HsmResult } from '../../clients/hsm/types.js';
import { maskEhcId } from '../../protocol/privacy/mask.js';
import { parseEhcCode } from '../../protocol/qr/index.js';
import { Business } from '../central/business.js';
import { bad, type CertifyCheck, type Finding, finding, fmtMs, judge, ok } from './util.js';

const SM3_ABC = '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0';
const MAIN_INDEX = 'ABD17E7ED399EF68AB5660155D6E226D2C92EAC3254A4A66BED83AED0ADA1E9E';

async function timed<T>(p: Promise<HsmResult<T>>): Promise<{ r: HsmResult<T>; ms: number }> {
  const t0 = performance.now();
  const r = await p;
  return { r, ms: performance.now() - t0 };
}

const status = (r: HsmResult<unknown>): string =>
  r.status === 'ok'
    ? 'ok'
    : r.status === 'no'
      ? `no (${r.reason})`
      : `unavailable (${r.reason}: ${r.message})`;

/**
 * 5.4-5 — the cipher-machine interface: every command the system uses, each checked by its
 * answer (known-answer SM3, SM4 and SM2 round trips, a tampered signature refused, a stable
 * EHC-ID derivation, a fresh validity block accepted and a 10-minute-old one refused as expired).
 */
export const cipherMachineInterface: CertifyCheck = {
  id: '5.4-5',
  timeoutMs: 60_000,
  async run(ctx) {
    const c = ctx.cipherMachines.client();
    const { data, sign } = ctx.cipherMachines.keys;
    const f: Finding[] = [];
    const add = (what: string, pass: boolean, r: HsmResult<unknown>, ms: number, extra = ''): void => {
      f.push(finding(pass, `${what}: ${status(r)}${extra} in ${fmtMs(ms)}`));
    };
    try {
      const info = await timed(c.info());
      add(
        'diagnostics (NC)',
        info.r.status === 'ok',
        info.r,
        info.ms,
        info.r.status === 'ok' ? ` — ${info.r.value.model} ${info.r.value.firmware}` : '',
      );
      const rnd = await timed(c.random(16));
      add('random 16 bytes', rnd.r.status === 'ok' && rnd.r.value.length === 16, rnd.r, rnd.ms);
      const sm3 = await timed(c.sm3('abc'));
      add('SM3("abc") known answer', sm3.r.status === 'ok' && sm3.r.value === SM3_ABC, sm3.r, sm3.ms);
      const plain = Buffer.from('EHC networking test probe');
      const enc = await timed(c.sm4Encrypt(data, plain));
      const dec = enc.r.status === 'ok' ? await timed(c.sm4Decrypt(data, enc.r.value)) : undefined;
      add(
        `SM4 encrypt + decrypt with data key ${data}`,
        dec?.r.status === 'ok' && dec.r.value.equals(plain),
        dec?.r ?? enc.r,
        enc.ms + (dec?.ms ?? 0),
        dec?.r.status === 'ok' ? ' — round trip equal' : '',
      );
      const sig = await timed(c.sm2Sign(sign, 'EHC certify'));
      if (sig.r.status === 'ok') {
        const good = await timed(c.sm2Verify(sign, 'EHC certify', sig.r.value));
        const forged = await timed(c.sm2Verify(sign, 'EHC certifY', sig.r.value));
        add(`SM2 sign + verify with key ${sign}`, good.r.status === 'ok', good.r, sig.ms + good.ms);
        add(
          'SM2 verify of a tampered message',
          forged.r.status === 'no',
          forged.r,
          forged.ms,
          ' (must be no)',
        );
      } else add(`SM2 sign with key ${sign}`, false, sig.r, sig.ms);
      const id1 = await timed(c.deriveEhcId(MAIN_INDEX, '01', '11010020171225006X'));
      const id2 = await c.deriveEhcId(MAIN_INDEX, '01', '11010020171225006X');
      add(
        'EHC-ID derivation (twice)',
        id1.r.status === 'ok' &&
          id2.status === 'ok' &&
          id1.r.value === id2.value &&
          /^[0-9A-F]{64}$/.test(id1.r.value),
        id1.r,
        id1.ms,
      );
      const block = await timed(c.encryptValidity());
      const check =
        block.r.status === 'ok' ? await timed(c.checkValidity(block.r.value.blockHex)) : undefined;
      add(
        'validity block encrypt + check (fresh)',
        check?.r.status === 'ok',
        check?.r ?? block.r,
        block.ms + (check?.ms ?? 0),
      );
      const old = await c.encryptValidity(Date.now() - 10 * 60_000);
      const oldCheck = old.status === 'ok' ? await timed(c.checkValidity(old.value.blockHex)) : undefined;
      if (oldCheck)
        add(
          'validity check of a 10-minute-old block',
          oldCheck.r.status === 'no' && oldCheck.r.reason === 'expired',
          oldCheck.r,
          oldCheck.ms,
          ' (must be expired)',
        );
      else f.push(bad(`encrypting an old validity block: ${status(old)}`));
    } finally {
      await c.close();
    }
    return judge(
      f,
      'Fix the cipher-machine connection or key configuration so that every command answers as specified.',
    );
  },
};

/**
 * 5.4-2 — the reader-terminal interface: a fresh dynamic code and a garbled text are "scanned" at
 * the window terminal; the agent must receive each text unchanged through the terminal's
 * protocol, and the terminal must receive the good / bad feedback.
 */
export const terminalInterface: CertifyCheck = {
  id: '5.4-2',
  timeoutMs: 60_000,
  async run(ctx) {
    const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
    const card = await b.newCard();
    const code = card.ehcId ? await b.freshCode(card.ehcId) : undefined;
    if (!code?.code) return judge([bad(`cannot prepare a code (${card.why ?? code?.why})`)]);
    const f: Finding[] = [];
    const id = parseEhcCode(code.code);
    const cases = [
      {
        what: 'a fresh dynamic code',
        text: code.code,
        want: 'good',
        masked: id.ok ? maskEhcId(id.value.ehcId) : undefined,
      },
      { what: 'a garbled text', text: 'EHC-CERTIFY-NOT-A-CODE', want: 'bad', masked: undefined },
    ] as const;
    for (const c of cases) {
      const r = await ctx.terminals.roundTrip(c.text);
      if (r.received !== undefined) {
        f.push(
          finding(
            r.received === c.text,
            `${c.what} scanned: the agent received ${r.received === c.text ? 'the text unchanged' : `"${r.received.slice(0, 40)}"`}`,
          ),
        );
      } else if (c.masked) {
        f.push(
          finding(
            r.ehcIdMasked === c.masked,
            `${c.what} scanned: the agent reported card ${r.ehcIdMasked ?? 'none'} (expected ${c.masked})`,
          ),
        );
      } else {
        f.push(
          finding(
            r.verdict === 'INVALID' && r.reason === 'malformed',
            `${c.what} scanned: the agent parsed it as ${r.verdict} ${r.reason ?? ''}`.trim(),
          ),
        );
      }
      f.push(
        finding(
          r.beeps.at(-1) === c.want && r.led === c.want,
          `after the agent's ${r.verdict} verdict the terminal beeped ${r.beeps.map((x) => `"${x}"`).join(' then ') || 'nothing'} and lit its LED "${r.led}" (${fmtMs(r.ms)} from scan to feedback; expected "${c.want}")`,
        ),
      );
    }
    f.push(
      ok(`terminals: ${(await ctx.terminals.list()).map((t) => `${t.id} ${t.driver} ${t.port}`).join(', ')}`),
    );
    return judge(
      f,
      'Fix the terminal link or driver so scans arrive unchanged and the verdict feedback reaches the terminal.',
    );
  },
};
