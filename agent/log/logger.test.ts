import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lab } from '../../lab/lab.js';
import { closeAgentLogger, createAgentLogger, logLevelControl, scrubLogLine } from './logger.js';

/** A destination that keeps every line written. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const ID_NO = '11010020171225006X';
const EHC_ID = '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928';

describe('scrubLogLine', () => {
  it('masks an EHC-ID, an ID number and a phone number wherever they sit in the line', () => {
    const line = JSON.stringify({
      msg: `code ${EHC_ID}:1:ABC for ${ID_NO}`,
      err: { message: `phone 13800001234` },
    });
    const out = scrubLogLine(line);
    expect(out).not.toContain(EHC_ID);
    expect(out).not.toContain(ID_NO);
    expect(out).not.toContain('13800001234');
    expect(out).toContain('98FF9F2C…1928');
    expect(out).toContain('110***********006X');
  });

  it('never lets a 64-hex id through, whatever surrounds it (property)', () => {
    const hexId = fc.stringMatching(/^[0-9A-F]{64}$/);
    const around = fc.string({ maxLength: 20 }).map((s) => s.replace(/[0-9A-Fa-f]/g, '_'));
    fc.assert(
      fc.property(
        hexId,
        around,
        around,
        (id, a, b) => !scrubLogLine(JSON.stringify({ msg: a + id + b })).includes(id),
      ),
    );
  });
});

describe('the agent logger', () => {
  it('redacts named fields and scrubs free text in the serialized line', () => {
    const c = capture();
    const log = createAgentLogger({ level: 'info', destination: c.stream });
    log.info({ idNo: ID_NO, device: 'd1', qr: `${EHC_ID}:1` }, `scanned ${EHC_ID}`);
    expect(c.lines).toHaveLength(1);
    const rec = JSON.parse(c.lines[0]!) as Record<string, unknown>;
    expect(rec.idNo).toBe('***');
    expect(rec.svc).toBe('ehc-agent');
    expect(c.lines[0]).not.toContain(EHC_ID);
  });

  it('switches level at run time', () => {
    const c = capture();
    const log = createAgentLogger({ level: 'info', destination: c.stream });
    const control = logLevelControl(log);
    log.debug('hidden');
    control.set('debug');
    log.debug('shown');
    expect(control.get()).toBe('debug');
    expect(c.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('rotates the log file by size and keeps the configured number of files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ehc-log-'));
    const log = createAgentLogger({
      level: 'info',
      file: { path: join(dir, 'agent.log'), size: '1k', keep: 2 },
    });
    // pino-roll checks the size after each write the worker makes; lines that reach the worker
    // together are one write, so log in batches and wait until each batch is on disk (a fixed
    // pause was not enough on a loaded machine: the worker took all 200 lines as one write).
    const onDisk = (i: number): boolean =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .some((f) => readFileSync(join(dir, f), 'utf8').includes(`"i":${i},`));
    for (let i = 0; i < 200; i++) {
      log.info({ i, pad: 'x'.repeat(60) }, `line ${i} ${EHC_ID}`);
      if (i % 20 === 19) {
        for (let t = 0; t < 100 && !onDisk(i); t++) await new Promise((r) => setTimeout(r, 20));
      }
    }
    await closeAgentLogger(log);
    const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3); // 2 rotated + the active one
    const all = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(all).toContain('"i":199'); // the last line reached the disk before close resolved
    expect(all).not.toContain(EHC_ID);
  });
});

describe('no patient identifier in any log line, end to end', () => {
  it('a scan through the lab at trace level logs no raw EHC-ID, ID number, phone or name', async () => {
    const c = capture();
    const lab = await Lab.start({
      dedupeWindowMs: 0,
      logger: createAgentLogger({ level: 'trace', destination: c.stream }),
    });
    try {
      const idNo = '110101199001011234';
      const ehcId = await lab.app.register({ name: '王五', idType: '01', idNo, phone: '13700001111' });
      const code = await lab.app.code(ehcId);
      const terminal = lab.agentConfig.scanners[0]!.id;
      const e = await lab.scan(terminal, code, 10_000);
      expect(e.verdict.verdict).toBe('VALID');
      await lab.scan(terminal, code, 10_000); // a second use: refused, logged
      await lab.scan(terminal, 'NOT-AN-EHC-CODE', 10_000);
      expect(c.lines.length).toBeGreaterThan(3); // the check is only worth something if lines were logged
      const all = c.lines.join('\n');
      for (const secret of [ehcId, idNo, '13700001111', '王五', code]) expect(all).not.toContain(secret);
    } finally {
      await lab.close();
    }
  }, 30_000);
});
