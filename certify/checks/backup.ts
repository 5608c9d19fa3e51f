import { randomInt } from 'node:crypto';
import { validityDigits } from '../../protocol/crypto/validity.js';
import { Business, whyOf } from '../central/business.js';
import { bad, type CertifyCheck, type Finding, finding, judge, ok } from './util.js';

const countsText = (c: Readonly<Record<string, number>>): string =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/**
 * 5.5-3 — backup and restore of the central data round-trips: with a card A and its use record
 * stored, an online backup is taken; then card B is registered and another use recorded; the
 * backup is restored. The row counts must equal those at the backup, card A must work and card
 * B must be gone.
 */
export const backupRestore: CertifyCheck = {
  id: '5.5-3',
  timeoutMs: 60_000,
  async run(ctx) {
    const backup = ctx.central.backup;
    if (!backup) return judge([bad('no backup interface is configured for the central service')]);
    const client = ctx.central.client({ timeoutMs: 3000 });
    const b = new Business(client, ctx.central.terminalCode);
    const use = (ehcId: string) =>
      client.useCardDate({
        records: [
          {
            record_id: `CB${randomInt(1e9, 9e9)}`,
            ehealth_card_id: ehcId,
            medstepcode: '010101',
            channelcode: '01',
            terminalcode: ctx.central.terminalCode,
            use_time: validityDigits(Date.now()),
          },
        ],
      });
    const a = await b.newCard();
    if (!a.ehcId) return judge([bad(`registering card A failed (${a.why})`)]);
    await use(a.ehcId);
    const f: Finding[] = [];
    const atBackup = await backup.counts();
    const name = await backup.backup();
    f.push(ok(`online backup "${name}" taken with ${countsText(atBackup)}`));
    const bCard = await b.newCard();
    if (bCard.ehcId) await use(bCard.ehcId);
    const mutated = await backup.counts();
    f.push(
      finding(
        JSON.stringify(mutated) !== JSON.stringify(atBackup),
        `after the backup card B was registered and a use recorded: ${countsText(mutated)}`,
      ),
    );
    await backup.restore(name);
    const restored = await backup.counts();
    f.push(
      finding(
        JSON.stringify(restored) === JSON.stringify(atBackup),
        `after restoring "${name}": ${countsText(restored)} — ${JSON.stringify(restored) === JSON.stringify(atBackup) ? 'equal to the backup' : 'DIFFERENT from the backup'}`,
      ),
    );
    const ga = await b.generate(a.ehcId);
    f.push(
      finding(
        ga.status === 'success',
        `card A (before the backup) works after the restore: generate ${whyOf(ga)}`,
      ),
    );
    const records = await ctx.central.monitorRecords(a.ehcId);
    f.push(
      finding(
        records.length === 1,
        `card A's use record is there after the restore (${records.length} record)`,
      ),
    );
    if (bCard.ehcId) {
      const gb = await b.generate(bCard.ehcId);
      f.push(
        finding(
          gb.status !== 'success',
          `card B (after the backup) is gone after the restore: generate ${whyOf(gb)}`,
        ),
      );
    } else f.push(bad(`registering card B failed (${bCard.why})`));
    return judge(
      f,
      'Make backups of the central database restorable: schedule them, keep them confidential, and test a restore.',
    );
  },
};
