// The soak in npm test: the compressed CI schedule (config/soak.ci.json, 102 s of load) where
// every fault class fires at least twice; `npm run soak:ci` runs the 10-minute schedule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { soakReportHtml } from '../../lab/soak/report-html.js';
import { runSoak } from '../../lab/soak/run.js';
import { parseSoakSchedule, SOAK_FAULTS } from '../../lab/soak/schedule.js';

const ROOT = join(import.meta.dirname, '../..');
const ci = parseSoakSchedule(JSON.parse(readFileSync(join(ROOT, 'config/soak.ci.json'), 'utf8')));

describe('ehc soak (compressed schedule)', () => {
  it('every fault class twice or more: nothing accepted while down or twice, nothing lost, outbox exactly once, resources flat', async () => {
    const lines: string[] = [];
    const r = await runSoak({
      schedule: ci,
      durationS: 102,
      minFiresPerClass: 2,
      progress: (l) => lines.push(l),
    });
    const failed = r.assertions.filter((a) => !a.ok);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(r.ok).toBe(true);
    for (const f of SOAK_FAULTS) {
      const c = r.faultClasses.find((x) => x.fault === f)!;
      expect(c.survived, f).toBeGreaterThanOrEqual(2);
      expect(c.scansDuring, f).toBeGreaterThan(0);
    }
    // the faults had their effect (the scans saw them), and the load went on between them
    const kill = r.faultClasses.find((c) => c.fault === 'cipher-machine-kill')!;
    // (a scan sent just before the restart may be verified after it, VALID, and another fault's
    // lane may overlap this one; "nothing accepted while down" above is the safety assertion)
    const unavailable = Object.entries(kill.verdictsDuring)
      .filter(([k]) => k.startsWith('UNAVAILABLE'))
      .reduce((n, [, v]) => n + v, 0);
    expect(unavailable, JSON.stringify(kill.verdictsDuring)).toBeGreaterThan(0);
    const disk = r.faultClasses.find((c) => c.fault === 'outbox-disk-full')!;
    expect(disk.verdictsDuring['UNAVAILABLE internal'] ?? 0).toBeGreaterThan(0);
    const down = r.faultClasses.find((c) => c.fault === 'central-down')!;
    expect(down.verdictsDuring['VALID (degraded)'] ?? 0).toBeGreaterThan(0);
    expect(r.scans.verdicts.VALID ?? 0).toBeGreaterThan(100);
    expect(r.outbox.delivered).toBe(r.outbox.accepted);
    // recovery is prompt: records scanned during a forward clock jump used to wait out the jump
    expect(r.outbox.drainS).toBeLessThan(30);
    expect(r.eventLoop.p99Ms).toBeGreaterThan(0);
    // quiet progress: at most one line per 10 s (plus the closing one)
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(102 / 10) + 2);
    const html = soakReportHtml(r);
    expect(html).toContain('<svg');
    expect(html).toContain('Fault timeline');
    // self-contained: no script, nothing loaded from anywhere (URLs appear only as text)
    expect(html).not.toMatch(/<script|<link|(src|href)=["']?https?:/i);
  }, 240_000);

  it('fails when a bound is not met (the assertions can fail)', async () => {
    const strict = parseSoakSchedule({
      version: 1,
      load: { terminals: 1, scansPerSecond: 5, cardsPerTerminal: 10 },
      warmupS: 0,
      quietS: 3,
      bounds: { rssMbPerMin: 0, fdPerMin: 0 },
      faults: [{ fault: 'scanner-unplug', startS: 2, everyS: 5, durationS: 1 }],
    });
    const r = await runSoak({ schedule: strict, durationS: 12, minFiresPerClass: 5 });
    expect(r.ok).toBe(false);
    const byName = Object.fromEntries(r.assertions.map((a) => [a.name, a.ok]));
    // the slope assertion follows the measured slope against a bound of 0 growth
    // (on anonymous RSS where the kernel splits it: file-backed pages follow mapped files)
    const mem = r.resources.anonSlopeMbPerMin ?? r.resources.rssSlopeMbPerMin;
    if (process.platform === 'linux') expect(r.resources.anonSlopeMbPerMin).toBeTypeOf('number');
    expect(byName['RSS slope after warm-up']).toBe(mem <= 0);
    expect(byName['open file descriptors slope after warm-up']).toBe(r.resources.fdSlopePerMin <= 0);
    expect(byName['every fault class fired and was cleared without error']).toBe(false);
    expect(byName['scans lost (sent by the terminal, no verdict)']).toBe(true);
  }, 120_000);
});
