import type { DemoResult } from '../lab/demo.js';

const pad = (s: string, n: number): string => {
  // CJK characters take two columns in a terminal.
  const width = [...s].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  return s + ' '.repeat(Math.max(0, n - width));
};

/** The human-readable demo report: one row per scenario, then the per-stage latency summary. */
export function printDemo(r: DemoResult): void {
  const out: string[] = [];
  out.push('EHC terminal demo — soft cipher machine, central service, virtual terminals and the agent', '');
  out.push(
    `${pad('', 3)}${pad('scenario', 58)}${pad('terminal', 12)}${pad('expected', 30)}${pad('verdict', 30)}ms`,
  );
  for (const s of r.scenarios) {
    out.push(
      `${pad(s.ok ? 'ok' : '!!', 3)}${pad(s.name, 58)}${pad(s.terminal, 12)}${pad(s.expected, 30)}${pad(s.verdict, 30)}${s.ms.toFixed(2)}`,
    );
  }
  out.push(
    '',
    'latency per stage (ms):',
    `${pad('stage', 12)}${pad('p50', 10)}${pad('p99', 10)}${pad('max', 10)}n`,
  );
  for (const [stage, p] of Object.entries(r.latency)) {
    out.push(
      `${pad(stage, 12)}${pad(p.p50Ms.toFixed(3), 10)}${pad(p.p99Ms.toFixed(3), 10)}${pad(p.maxMs.toFixed(3), 10)}${p.count}`,
    );
  }
  for (const [stage, p] of Object.entries(r.latency)) {
    for (const s of p.skipped) {
      out.push(
        `  ${stage}: ${s.scans} scan${s.scans === 1 ? '' : 's'} at ${s.device} without a sample (${s.reason})`,
      );
    }
  }
  out.push(
    '',
    `card-use records delivered to the monitoring platform: ${r.outbox.delivered} (pending ${r.outbox.pending})`,
    r.ok ? 'every scenario got its expected verdict' : 'SOME SCENARIOS DID NOT GET THEIR EXPECTED VERDICT',
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
