import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Stage, VerdictEvent } from '../agent/types.js';
import { Lab, type LabTerminal } from './lab.js';

/**
 * `ehc demo`: the scripted stream a hospital sees in a day, through the real stack — the soft
 * cipher machine, the central service, virtual terminals and the agent — with the verdict each
 * scan must get. Every scenario states what it expects; the run reports what it got.
 */
export interface DemoScenario {
  readonly name: string;
  readonly terminal: string;
  /** `VALID`, or `INVALID(reason)` / `UNAVAILABLE(reason)`. */
  readonly expected: string;
  readonly verdict: string;
  readonly ms: number;
  readonly by: string;
  readonly ok: boolean;
}

/** One stage's latency over the demo's scans; `skipped` names the scans without a sample. */
export interface StageLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly count: number;
  readonly skipped: readonly { readonly device: string; readonly reason: string; readonly scans: number }[];
}

export interface DemoResult {
  readonly scenarios: readonly DemoScenario[];
  readonly latency: Readonly<Partial<Record<Stage, StageLatency>>>;
  readonly outbox: { readonly delivered: number; readonly pending: number };
  readonly ok: boolean;
}

const TERMINALS: readonly LabTerminal[] = [
  { id: 'window-1', terminalCode: 'WIN-0001', channelCode: '01' },
  { id: 'kiosk-1', terminalCode: 'KIOSK-0001', channelCode: '02' },
  { id: 'pharmacy-9', terminalCode: 'PHARM-0009', channelCode: '01', registered: false },
];

const describeVerdict = (e: VerdictEvent): string =>
  e.verdict.verdict === 'VALID' ? 'VALID' : `${e.verdict.verdict}(${e.verdict.reason})`;

export async function runDemo(
  opts: { logger?: Logger; onScenario?: (s: DemoScenario) => void } = {},
): Promise<DemoResult> {
  const lab = await Lab.start({
    terminals: TERMINALS,
    verifyMode: 'chain',
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const scenarios: DemoScenario[] = [];
  const run = async (name: string, terminal: string, expected: string, text: string): Promise<void> => {
    const e = await lab.scan(terminal, text);
    const verdict = describeVerdict(e);
    const s: DemoScenario = {
      name,
      terminal,
      expected,
      verdict,
      ms: Math.round((e.stagesMs.total ?? 0) * 1000) / 1000,
      by: e.verdict.by,
      ok: verdict === expected,
    };
    scenarios.push(s);
    opts.onScenario?.(s);
  };
  try {
    const zhang = await lab.app.register({
      name: '张三',
      idType: '01',
      idNo: '11010020171225006X',
      phone: '13812341234',
    });
    const li = await lab.app.register({
      name: '李四',
      idType: '01',
      idNo: '110101199003074518',
      phone: '13900001111',
    });
    // Dynamic codes have one-second resolution: two codes for one card in the same second are the
    // same code. Each late dynamic scenario therefore uses its own resident.
    const resident = (n: number, name: string) =>
      lab.app.register({
        name,
        idType: '01',
        idNo: `11010119900307${4500 + n}`,
        phone: `1390000${1000 + n}`,
      });
    const [wang, zhao, sun] = await Promise.all([
      resident(1, '王五'),
      resident(2, '赵六'),
      resident(3, '孙七'),
    ]);
    const now = Date.now();

    const first = await lab.app.code(zhang);
    await run('valid dynamic code at the window', 'window-1', 'VALID', first);
    await run('valid dynamic code at the kiosk', 'kiosk-1', 'VALID', await lab.app.code(li));
    await run('same code shown again at the kiosk (replay)', 'kiosk-1', 'INVALID(replayed)', first);
    const id = first.split(':')[0]!;
    await run(
      'expired code (generated 10 minutes ago)',
      'window-1',
      'INVALID(expired)',
      `${id}:0:${await lab.validityBlock(now - 600_000)}`,
    );
    await run(
      'code from the future (clock 10 minutes ahead)',
      'window-1',
      'INVALID(not-yet-valid)',
      `${id}:0:${await lab.validityBlock(now + 600_000)}`,
    );
    await run(
      'forged validity field',
      'kiosk-1',
      'INVALID(forged)',
      `${id}:0:${randomBytes(16).toString('hex').toUpperCase()}`,
    );
    await run(
      'static code (identity, checked at the central service)',
      'window-1',
      'VALID',
      await lab.app.code(li, 'static'),
    );
    await run('garbled text', 'kiosk-1', 'INVALID(malformed)', 'HELLO-WORLD:7:?');
    await run(
      'static code at an unregistered terminal',
      'pharmacy-9',
      'INVALID(unknown-terminal)',
      await lab.app.code(zhang, 'static'),
    );
    await run(
      'valid code with a scanner prefix (]Q1 … CR LF)',
      'window-1',
      'VALID',
      `]Q1${(await lab.app.code(wang)).toLowerCase()}\r\n`,
    );
    const late = await lab.app.code(zhao);
    const lateStatic = await lab.app.code(sun, 'static');
    await lab.stopCipherMachine();
    await run('cipher machine stopped: valid dynamic code', 'kiosk-1', 'UNAVAILABLE(hsm-unreachable)', late);
    await run('cipher machine stopped: static code', 'window-1', 'UNAVAILABLE(central-error)', lateStatic);

    await lab.agent.flushOutbox();
    const counts = lab.agent.outbox.counts();
    // The verdict reaches the demo before the scanner acknowledges its beep; wait for every
    // feedback so that the last scan's is counted too.
    await lab.agent.settled();
    const latency: Partial<Record<Stage, StageLatency>> = {};
    const skips = lab.agent.metrics.stageSkips.entries();
    for (const stage of ['transport', 'parse', 'verify', 'feedback', 'total'] as const) {
      const p = lab.agent.metrics.stageSeconds.percentiles({ stage });
      const skipped = skips
        .filter((e) => e.labels.stage === stage)
        .map((e) => ({ device: e.labels.device ?? '?', reason: e.labels.reason ?? '?', scans: e.value }));
      latency[stage] = {
        p50Ms: p?.p50Ms ?? 0,
        p99Ms: p?.p99Ms ?? 0,
        maxMs: p?.maxMs ?? 0,
        count: p?.count ?? 0,
        skipped,
      };
    }
    return {
      scenarios,
      latency,
      outbox: { delivered: counts.delivered, pending: counts.pending },
      ok: scenarios.every((s) => s.ok),
    };
  } finally {
    await lab.close();
  }
}
