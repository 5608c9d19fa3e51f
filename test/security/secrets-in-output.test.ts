// No patient identifier or key material in logs, metrics labels or crash output. The real logger
// writing to a real stream, the real metrics exposition, and a real crashing child process.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAgentLogger } from '../../agent/log/logger.js';
import { AgentMetrics } from '../../agent/metrics/agent-metrics.js';
import type { Verdict } from '../../agent/types.js';
import { EhcError } from '../../protocol/errors.js';
import { ID_NO, NAME, PHONE, SM4_KEY } from './support/personal-data.js';

const EHC_ID = '6836D27C966E1C1BB192F050778358E4AA0208EFBA111FC5CB90AD689124A19B';
const APP_SECRET = 'app-secret-do-not-print-1234';
const SECRETS = [EHC_ID, ID_NO, PHONE, NAME, SM4_KEY, APP_SECRET];
const QR = `]Q1${EHC_ID}:0:${'A1'.repeat(16)}`;

function expectClean(text: string): void {
  for (const s of SECRETS) expect(text, `leaks ${s}`).not.toContain(s);
}

describe('logs', () => {
  it('masks personal data and secrets in fields, messages, errors and QR texts', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createAgentLogger({ level: 'debug', destination });
    log.info({ holder: { name: NAME, idNo: ID_NO, phone: PHONE }, qr: QR }, `scan of ${EHC_ID}`);
    log.warn({ err: new EhcError('X', `central refused ${ID_NO} / ${PHONE}`) }, 'verify failed');
    log.debug({ config: { central: { appSecret: APP_SECRET } }, hsm: { key: SM4_KEY } }, 'effective config');
    log.error({ detail: `code ${QR} from ${PHONE}` }, 'odd code');
    expect(lines).toHaveLength(4);
    expectClean(lines.join(''));
    expect(lines[0]).toContain('6836D27C'); // masked, not dropped: first 8 hex digits stay
  });
});

describe('metrics', () => {
  it('labels verdicts by closed sets only: no EHC-ID, holder or peer text in the exposition', () => {
    const m = new AgentMetrics();
    const verdicts: Verdict[] = [
      { verdict: 'VALID', by: 'hsm', holder: { name: NAME, idNo: ID_NO, phone: PHONE } } as Verdict,
      {
        verdict: 'INVALID',
        reason: 'refused',
        by: 'central',
        detail: `card ${EHC_ID} of ${ID_NO}`,
      } as Verdict,
      {
        verdict: 'UNAVAILABLE',
        reason: 'central-error',
        by: 'central',
        detail: `secret ${APP_SECRET}`,
      } as Verdict,
    ];
    for (const v of verdicts) m.countVerdict(v);
    const text = m.expose();
    expectClean(text);
    const labelSets = [...text.matchAll(/^ehc_verdicts_total\{([^}]*)\}/gm)].map((x) => x[1]);
    expect(labelSets).toHaveLength(3);
    for (const l of labelSets) {
      const labels = Object.fromEntries(l!.split(',').map((kv) => kv.split('=') as [string, string]));
      expect(Object.keys(labels).sort()).toEqual(['reason', 'verdict', 'verifier']);
      for (const v of Object.values(labels)) expect(v).toMatch(/^"[A-Za-z-]+"$/);
    }
  });
});

describe('crash output', () => {
  it('an uncaught error carrying patient data is printed masked, exit 70', async () => {
    const crash = fileURLToPath(new URL('../../cli/crash.ts', import.meta.url));
    const script = `
      const { installCrashHandler } = await import(${JSON.stringify(crash)});
      installCrashHandler();
      setTimeout(() => { throw new Error('cannot verify ${QR} of ${ID_NO}, ${PHONE}'); }, 0);
      setTimeout(() => Promise.reject(new Error('never reached')), 1000);
    `;
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 20_000 },
        (error, _out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, err }),
      );
      child.stdin?.end();
    });
    expect(r.code).toBe(70);
    expect(r.err).toContain('ehc: fatal: Error: cannot verify');
    expectClean(r.err);
  }, 30_000);
});
