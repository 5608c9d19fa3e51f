import { Business, sleep } from '../central/business.js';
import type { CertifyContext, MonitorRecord, Station } from '../context.js';
import { bad, type CertifyCheck, type Finding, finding, fmtMs, judge } from './util.js';

const MONITOR_WAIT_MS = 15_000;

interface Visit {
  readonly entry: Station;
  readonly ehcId: string;
  /** Stations where a code was accepted, in order. */
  readonly accepted: Station[];
}

/** One patient's visit: registered for the entry channel, then a fresh code at every step. */
async function visit(
  ctx: CertifyContext,
  b: Business,
  entry: Station,
  f: Finding[],
): Promise<Visit | undefined> {
  const card = await b.newCard();
  if (!card.ehcId) {
    f.push(bad(`${entry.name}: registering the patient failed (${card.why})`));
    return undefined;
  }
  const journey = [entry, ...ctx.stations.slice(2)];
  const v: Visit = { entry, ehcId: card.ehcId, accepted: [] };
  let firstCode: string | undefined;
  const steps: string[] = [];
  for (const s of journey) {
    const code = await b.freshCode(card.ehcId);
    if (!code.code) {
      f.push(bad(`${entry.name} patient: generating a code for the ${s.name} failed (${code.why})`));
      return v;
    }
    firstCode ??= code.code;
    const r = await s.scan(code.code);
    if (r.verdict === 'VALID') v.accepted.push(s);
    steps.push(
      `${s.name} ${s.medStepCode}/${s.channelCode}: ${r.verdict}${r.reason ? ` (${r.reason})` : ''} in ${fmtMs(r.ms)}`,
    );
  }
  f.push(
    finding(
      v.accepted.length === journey.length,
      `patient registered for the ${entry.name} (card ${card.ehcId.slice(0, 8)}…): fresh dynamic code scanned at each step — ${steps.join('; ')}`,
    ),
  );
  // The other entry station belongs to the same agent: its replay guard must refuse the used code.
  const other = ctx.stations[entry === ctx.stations[0] ? 1 : 0];
  if (firstCode && other) {
    const again = await other.scan(firstCode);
    f.push(
      finding(
        again.verdict !== 'VALID',
        `the code already used at the ${entry.name}, shown again at the ${other.name}: ${again.verdict}${again.reason ? ` (${again.reason})` : ''}`,
      ),
    );
  }
  return v;
}

/** Waits until the monitoring interface holds one record per accepted scan, each with its step's codes. */
async function monitored(ctx: CertifyContext, v: Visit): Promise<Finding> {
  const t0 = performance.now();
  let records: readonly MonitorRecord[] = [];
  const want = v.accepted.map((s) => `${s.medStepCode}/${s.channelCode}/${s.terminalCode}`).sort();
  let got: string[] = [];
  while (performance.now() - t0 < MONITOR_WAIT_MS) {
    for (const s of ctx.stations) await s.flush();
    records = await ctx.central.monitorRecords(v.ehcId);
    got = records.map((r) => `${r.medstepcode}/${r.channelcode}/${r.terminalcode}`).sort();
    if (got.length >= want.length) break;
    await sleep(250);
  }
  const same = JSON.stringify(got) === JSON.stringify(want);
  return finding(
    same && want.length > 0,
    `monitoring interface, card ${v.ehcId.slice(0, 8)}…: ${records.length} card-use records (step/channel/terminal: ${got.join(', ') || 'none'}) for ${want.length} accepted scans${same ? '' : ` — EXPECTED ${want.join(', ')}`}, read back after ${fmtMs(performance.now() - t0)}`,
  );
}

/**
 * 5.2-7 — the full hospital flow by QR code, at the registration window (channel 01) and at the
 * self-service kiosk (02): the patient is registered, then at every visit step (registration
 * 010101, diagnosis 010102, dispensing 010103, payment 010105 …) the patient's app generates a
 * fresh dynamic code, the virtual terminal scans it and the agent must accept it; a used code
 * shown again at the other entry station (same agent) is refused; every use reaches the monitoring interface with its step, channel and
 * terminal.
 */
export const fullFlow: CertifyCheck = {
  id: '5.2-7',
  timeoutMs: 120_000,
  async run(ctx) {
    if (ctx.stations.length < 2) return judge([bad('the window and kiosk stations are not configured')]);
    const b = new Business(ctx.central.client({ timeoutMs: 3000 }), ctx.central.terminalCode);
    const f: Finding[] = [];
    const visits: Visit[] = [];
    // Both patients at once (window and kiosk): a card yields one fresh code per second, so each
    // patient's steps are at least a second apart, as at a real hospital.
    const entries = ctx.stations.slice(0, 2);
    const found: Finding[][] = entries.map(() => []);
    const done = await Promise.all(entries.map((entry, i) => visit(ctx, b, entry, found[i]!)));
    for (const [i, v] of done.entries()) {
      f.push(...found[i]!);
      if (v) visits.push(v);
    }
    for (const v of visits) f.push(await monitored(ctx, v));
    const channels = new Set(ctx.stations.slice(0, 2).map((s) => s.channelCode));
    f.push(
      finding(
        channels.has('01') && channels.has('02'),
        `entry channels covered: ${[...channels].join(', ')} (01 window, 02 kiosk)`,
      ),
    );
    return judge(
      f,
      'Make the whole visit work by QR code at the window and at the kiosk, with every use reported to the monitoring platform.',
    );
  },
};
