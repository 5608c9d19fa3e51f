// The rig end to end through the virtual camera: headless Chromium shows 100 fresh codes, the
// camera (screencast frames → degradation → real decoder → native terminal) reads them, the agent
// verifies them against the lab's cipher machine and central service, and the report is written.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RigReport } from '../../bench/rig/report-build.js';
import { runRig } from '../../bench/rig/run.js';
import { findChromium, launchChromium } from '../support/chromium.js';

const chromiumPath = findChromium();
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const out = mkdtempSync(join(tmpdir(), 'ehc-rig-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(chromiumPath === undefined)('rig through the virtual camera', () => {
  it('reads ≥ 99 of 100 displayed codes, no misread, every verdict VALID, report written', {
    timeout: 180_000,
  }, async () => {
    const { report, files } = await runRig({
      reader: 'virtual',
      codes: 100,
      chromium: chromiumPath!,
      degrade: 'realistic',
      out,
    });
    const c = report.counts;
    expect(c.shown).toBe(100);
    expect(c.read).toBeGreaterThanOrEqual(99);
    expect(c.misreads + c.unattributedMisreads).toBe(0);
    expect(c.verdicts).toBeGreaterThanOrEqual(99);
    expect(c.valid).toBe(c.verdicts);
    expect(report.perCode.filter((p) => p.verdict !== undefined).every((p) => p.verdict === 'VALID')).toBe(
      true,
    );
    // Every stage of every read code is there and ordered; percentiles never above max.
    for (const p of report.perCode.filter((x) => x.verdict !== undefined)) {
      expect(p.frames).toBeGreaterThanOrEqual(1);
      expect(p.stagesMs.decode).toBeGreaterThanOrEqual(0);
      expect(p.stagesMs.verify).toBeGreaterThan(0);
      expect(p.stagesMs.feedback).toBeGreaterThan(0);
    }
    for (const s of report.stages) expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
    expect(report.clock?.uncertaintyMs).toBeGreaterThanOrEqual(0);
    expect(report.camera?.processed).toBeGreaterThanOrEqual(99);

    const html = join(out, 'rig-report.html');
    const json = join(out, 'rig-report.json');
    expect(files).toEqual([html, json, join(out, 'rig-report.png')]);
    expect((JSON.parse(readFileSync(json, 'utf8')) as RigReport).counts).toEqual(c);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('<svg');
    expect(text).not.toMatch(/(src|href)="https?:/);

    // The report as a reader sees it, saved as a test artefact.
    const browser = await launchChromium(chromiumPath!);
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(pathToFileURL(html).href);
      expect(await page.locator('svg').count()).toBe(2);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'rig-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    expect(existsSync(join(ARTIFACTS, 'rig-report.png'))).toBe(true);
    copyFileSync(json, join(ARTIFACTS, 'rig-report.json'));
  });
});
