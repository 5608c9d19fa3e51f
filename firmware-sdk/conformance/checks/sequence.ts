import { nextSeq } from '../../../protocol/device/messages.js';
import { type CheckSpec, fail, pass } from '../context.js';
import type { Received } from '../peer.js';

/** Device envelope seqs: +1 each, except a restart at 1 with an announced DeviceInfo. */
function seqProblems(log: readonly Received[]): string[] {
  const problems: string[] = [];
  const last = new Map<number, number>();
  for (const r of log) {
    const prev = last.get(r.conn);
    last.set(r.conn, r.env.seq);
    if (prev === undefined) continue;
    const restart = r.env.seq === 1 && r.env.body.case === 'deviceInfo' && r.env.body.value.replyTo === 0;
    if (r.env.seq !== nextSeq(prev) && !restart) {
      problems.push(`connection ${r.conn}: seq ${r.env.seq} after ${prev} (${r.env.body.case})`);
    }
  }
  return problems;
}

export const sequenceHandling: CheckSpec = {
  id: 'sequence.numbers',
  title: 'envelope seqs count up by one, replies echo any host seq exactly once, scan seqs increase',
  async run(ctx) {
    const { peer } = ctx;
    const problems: string[] = [];
    // Host seqs that jump far ahead and sit at the top of the range: each reply must echo its
    // command's seq. (The peer's own counter stays small, so these never repeat one.)
    for (const seq of [0x10000000, 0xfffffffe, 0xffffffff]) {
      const { reply } = await peer.command({ op: 'configGet', keys: [] }, ctx.timeouts.commandMs, seq);
      if (!reply) problems.push(`no reply to a command with seq ${seq}`);
    }
    // An acknowledgement for a scan that never existed must be harmless.
    await peer.send({ case: 'scanAck', value: { scanSeq: 0x7fffffff, bootId: ctx.info?.bootId ?? 0 } });
    const { reply } = await peer.command({ op: 'configGet', keys: [] }, ctx.timeouts.commandMs);
    if (!reply) problems.push('no reply after a stray scan acknowledgement');
    // Over the whole run so far.
    problems.push(...seqProblems(peer.log).slice(0, 5));
    const counts = new Map<string, number>();
    for (const r of peer.log) {
      if (r.env.body.case !== 'reply') continue;
      const key = `${r.conn}:${r.env.body.value.replyTo}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sent = new Set(peer.commands.map((c) => `${c.conn}:${c.seq}`));
    for (const [key, n] of counts) {
      if (n > 1) problems.push(`command ${key} answered ${n} times`);
      if (!sent.has(key)) problems.push(`reply to ${key}, which was never sent`);
    }
    const seqs = ctx.testScans.map((s) => s.scanSeq);
    if (seqs.some((s, i) => i > 0 && s <= seqs[i - 1]!))
      problems.push(`scan seqs not increasing: ${seqs.join(', ')}`);
    const evidence = `${peer.log.length} envelopes on ${peer.connection} connections, ${counts.size} replies, scan seqs ${seqs.join(', ') || 'none'}`;
    return problems.length === 0 ? pass(evidence) : fail(`${problems.join('; ')} (${evidence})`);
  },
};
