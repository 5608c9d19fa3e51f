import { randomInt } from 'node:crypto';
import { validityDigits } from '../../protocol/crypto/validity.js';
import { parseEhcCode } from '../../protocol/qr/index.js';
import { Business, sleep, whyOf } from '../central/business.js';
import type { CertifyContext } from '../context.js';
import { bad, type CertifyCheck, type Finding, finding, fmtMs, judge } from './util.js';

const business = (ctx: CertifyContext): Business =>
  new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);

/** 5.4-6 — registration: a new person gets a card; the same request number again answers the same card; a query finds it. */
export const registrationInterface: CertifyCheck = {
  id: '5.4-6',
  timeoutMs: 30_000,
  async run(ctx) {
    const client = ctx.central.client({ timeoutMs: 3000 });
    const person = new Business(client, ctx.central.terminalCode).person();
    const biz = {
      register_no: `CI${randomInt(1e9, 9e9)}`,
      register_time: validityDigits(Date.now()),
      ...person,
      gender: '2',
    };
    const r = await client.register(biz);
    if (r.status !== 'success') return judge([bad(`ehc.ehealthcard.register: ${whyOf(r)}`)]);
    const f: Finding[] = [
      finding(
        /^[0-9A-Fa-f]{64}$/.test(r.biz.ehealth_card_id),
        `ehc.ehealthcard.register: card ${r.biz.ehealth_card_id.slice(0, 8)}… issued in ${fmtMs(r.elapsedMs)}`,
      ),
    ];
    await sleep(2);
    const again = await client.register(biz);
    f.push(
      finding(
        again.status === 'success' && again.biz.ehealth_card_id === r.biz.ehealth_card_id,
        `the same register_no again answers the same card (${whyOf(again)})`,
      ),
    );
    const q = await client.query({ id_type: person.id_type, id_no: person.id_no });
    f.push(
      finding(
        q.status === 'success' && q.biz.ehealth_card_id === r.biz.ehealth_card_id,
        `ehc.ehealthcode.query by ID finds that card (${whyOf(q)})`,
      ),
    );
    return judge(f, 'Fix the registration interface.');
  },
};

/** 5.4-7 — generation: a dynamic code for the card (parses, type 0, validity block, expiry) and its static code. */
export const generationInterface: CertifyCheck = {
  id: '5.4-7',
  timeoutMs: 30_000,
  async run(ctx) {
    const b = business(ctx);
    const card = await b.newCard();
    if (!card.ehcId) return judge([bad(`registering a card failed (${card.why})`)]);
    const r = await b.generate(card.ehcId);
    if (r.status !== 'success') return judge([bad(`ehc.ehealthcode.generate: ${whyOf(r)}`)]);
    const p = parseEhcCode(r.biz.ehealth_code);
    const f: Finding[] = [
      finding(
        p.ok &&
          p.value.kind === 'dynamic' &&
          p.value.ehcId === card.ehcId.toUpperCase() &&
          /^[0-9A-F]{32}$/.test(p.value.validity ?? ''),
        `ehc.ehealthcode.generate (dynamic): ${p.ok ? `type ${p.value.kind}, card matches: ${p.value.ehcId === card.ehcId.toUpperCase()}, validity block ${p.value.validity?.length ?? 0} hex` : `unparsable (${p.error.type})`}, expires ${r.biz.expire_time ?? 'NOT GIVEN'}, in ${fmtMs(r.elapsedMs)}`,
      ),
    ];
    const s = await ctx.central.client({ timeoutMs: 3000 }).generate({
      ehealth_card_id: card.ehcId,
      ewmbs: '1',
      generate_no: `CS${randomInt(1e9, 9e9)}`,
      generate_time: validityDigits(Date.now()),
    });
    const sp = s.status === 'success' ? parseEhcCode(s.biz.ehealth_code) : undefined;
    f.push(
      finding(
        sp?.ok === true && sp.value.kind === 'static',
        `ehc.ehealthcode.generate (static): ${s.status === 'success' ? (sp?.ok ? `type ${sp.value.kind}` : 'unparsable') : whyOf(s)}`,
      ),
    );
    return judge(f, 'Fix the QR generation interface.');
  },
};

/** 5.4-8 — verification: a fresh code verified once, refused when replayed, a forged one refused. */
export const verificationInterface: CertifyCheck = {
  id: '5.4-8',
  timeoutMs: 30_000,
  async run(ctx) {
    const b = business(ctx);
    const card = await b.newCard();
    const code = card.ehcId ? await b.freshCode(card.ehcId) : undefined;
    if (!card.ehcId || !code?.code) return judge([bad(`preparing a code failed (${card.why ?? code?.why})`)]);
    const v = await b.verify(code.code);
    const f: Finding[] = [
      finding(
        v.status === 'success' &&
          v.biz.ehealth_card_id.toUpperCase() === card.ehcId.toUpperCase() &&
          v.biz.code_kind === '0',
        `ehc.ehealthcode.verify of a fresh dynamic code: ${whyOf(v)}${v.status === 'success' ? ` (card matches, type ${v.biz.code_kind}, holder ${v.biz.name ?? '-'})` : ''} in ${fmtMs(v.elapsedMs)}`,
      ),
    ];
    await sleep(2);
    const replay = await b.verify(code.code);
    f.push(finding(replay.status === 'failure', `the same code again: ${whyOf(replay)} (must be refused)`));
    const p = parseEhcCode(code.code);
    if (p.ok && p.value.validity) {
      const flipped = p.value.validity.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const forged = await b.verify(code.code.replace(p.value.validity, flipped));
      f.push(
        finding(
          forged.status === 'failure',
          `the code with its validity block altered: ${whyOf(forged)} (must be refused)`,
        ),
      );
    }
    return judge(f, 'Fix the QR verification interface.');
  },
};

/** 5.4-9 — monitoring: a card-use record uploaded (twice) is stored once and read back through the monitoring interface. */
export const monitoringInterface: CertifyCheck = {
  id: '5.4-9',
  timeoutMs: 30_000,
  async run(ctx) {
    const b = business(ctx);
    const card = await b.newCard();
    if (!card.ehcId) return judge([bad(`registering a card failed (${card.why})`)]);
    const record = {
      record_id: `CM${randomInt(1e9, 9e9)}`,
      ehealth_card_id: card.ehcId,
      code_kind: '0',
      medstepcode: '010104',
      channelcode: '01',
      terminalcode: ctx.central.terminalCode,
      use_time: validityDigits(Date.now()),
    };
    const client = ctx.central.client({ timeoutMs: 3000 });
    const up = await client.useCardDate({ records: [record] });
    await sleep(2);
    const dup = await client.useCardDate({ records: [record] });
    const f: Finding[] = [
      finding(
        up.status === 'success' && up.biz.accepted.includes(record.record_id),
        `ehc.ehealthcode.usecarddate: ${whyOf(up)}${up.status === 'success' ? `, accepted [${up.biz.accepted.join(', ')}]` : ''}`,
      ),
      finding(dup.status === 'success', `the same record sent again (a retry): ${whyOf(dup)}`),
    ];
    const stored = (await ctx.central.monitorRecords(card.ehcId)).filter(
      (r) => r.record_id === record.record_id,
    );
    const r = stored[0];
    f.push(
      finding(
        stored.length === 1 &&
          r?.medstepcode === record.medstepcode &&
          r.terminalcode === record.terminalcode &&
          r.use_time === record.use_time,
        `monitoring interface returns the record ${stored.length} time(s)${r ? ` (step ${r.medstepcode}, channel ${r.channelcode}, terminal ${r.terminalcode}, time ${r.use_time})` : ''}`,
      ),
    );
    return judge(f, 'Fix the card-use upload or the monitoring interface.');
  },
};
