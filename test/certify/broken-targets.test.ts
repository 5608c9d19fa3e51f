// Each check can fail: deliberately broken systems, each failing exactly the item that should catch it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedOptions, startEmbedded } from '../../certify/embedded.js';
import { certify } from '../../certify/run.js';
import type { ItemResult } from '../../certify/types.js';
import type { CipherMachine } from '../../clients/hsm/types.js';
import { startWeakAdmin } from './weak-admin.js';

const dir = mkdtempSync(join(tmpdir(), 'ehc-certify-broken-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Certifies an embedded system built with `opts`, running only `only`; returns the judged items. */
async function certifyBroken(
  opts: EmbeddedOptions,
  only: string[],
): Promise<{ outcome: string; items: Map<string, ItemResult> }> {
  const system = await startEmbedded({ ...opts, settings: { durationS: 2, soakS: 3 } });
  try {
    const { report } = await certify({
      ctx: system.ctx,
      target: system.target,
      reportDir: join(dir, only.join('_')),
      version: 'test',
      only,
    });
    return { outcome: report.outcome, items: new Map(report.items.map((i) => [i.id, i])) };
  } finally {
    await system.close();
  }
}

const evidence = (i: ItemResult | undefined): string => (i?.evidence ?? []).join('\n');

/** A verifier that accepts codes whatever the cipher machine says (or whether it answers). */
function acceptEverything(real: CipherMachine): CipherMachine {
  return new Proxy(real, {
    get(target, key) {
      if (key === 'checkValidity') {
        return async () => ({ status: 'ok', value: { generatedMs: Date.now(), digits: '20240101000000' } });
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('ehc certify against broken targets', () => {
  it('5.2-4 fails for an agent whose verifier accepts codes while the cipher machine is cut', async () => {
    const r = await certifyBroken({ wrapAgentHsm: acceptEverything }, ['5.2-4', '5.2-3']);
    expect(r.items.get('5.2-4')?.verdict).toBe('fail');
    expect(evidence(r.items.get('5.2-4'))).toMatch(
      /FAILED: at once: a fresh code scanned at the registration window: VALID — ACCEPTED without the cipher machine/,
    );
    // the central service itself still stops: only the agent's acceptance is the failure
    expect(evidence(r.items.get('5.2-4'))).toMatch(/at once: registration refused \(HSM_UNAVAILABLE\)/);
    expect(r.items.get('5.2-3')?.verdict).toBe('pass');
    expect(r.outcome).toBe('FAILED');
  }, 60_000);

  it('5.3-1 fails for a service slower than 1 s per transaction; its interface still works', async () => {
    const r = await certifyBroken({ centralLatencyMs: 1100 }, ['5.3-1', '5.4-6']);
    const perf = r.items.get('5.3-1');
    expect(perf?.verdict).toBe('fail');
    const slowest = perf?.measurements?.find((m) => m.name === 'slowest transaction');
    expect(slowest?.value).toBeGreaterThan(1000);
    expect(evidence(perf)).toMatch(/OVER 1000 ms/);
    expect(r.items.get('5.4-6')?.verdict).toBe('pass');
    expect(r.outcome).toBe('FAILED');
  }, 60_000);

  it('5.1.1-8 fails for an admin interface that accepts weak passwords', async () => {
    const weak = await startWeakAdmin('Adm1nPassw0rd');
    try {
      const r = await certifyBroken(
        {
          admin: () => ({
            url: weak.url,
            adminName: 'admin',
            adminPassword: 'Adm1nPassw0rd',
            defaultAdminName: 'admin',
          }),
        },
        ['5.1.1-8', '5.2-3'],
      );
      const item = r.items.get('5.1.1-8');
      expect(item?.verdict).toBe('fail');
      for (const rule of ['length ≥ 8', 'an upper-case letter', 'a lower-case letter', 'a digit']) {
        expect(evidence(item)).toContain(`FAILED: new account with a password lacking ${rule}`);
      }
      expect(evidence(item)).toMatch(/FAILED: changing that account's password to "abc12": ACCEPTED/);
      // what the weak interface does right is still credited
      expect(evidence(item)).toMatch(
        /disabled account \(HTTP 200\) logging in with its correct password: refused/,
      );
      expect(r.items.get('5.2-3')?.verdict).toBe('pass');
    } finally {
      await weak.close();
    }
  }, 60_000);

  it('5.2-5 fails for a terminal reporting an uncertified model; the terminal interface still works', async () => {
    const r = await certifyBroken(
      { terminalIdentities: { 'kiosk-1': { model: 'VT-9', certifiedModelId: 'EHC-VT-9' } } },
      ['5.2-5', '5.4-2'],
    );
    const item = r.items.get('5.2-5');
    expect(item?.verdict).toBe('fail');
    expect(evidence(item)).toMatch(/FAILED: terminal kiosk-1 .* model "VT-9".*NOT on the certified list/);
    expect(evidence(item)).toMatch(/terminal window-1 .* on the certified list/);
    expect(r.items.get('5.4-2')?.verdict).toBe('pass');
  }, 60_000);

  it('5.2-3 fails for a cipher machine with an uncertified firmware version', async () => {
    const r = await certifyBroken({ machineIdentity: { firmware: '0.9.9' } }, ['5.2-3', '5.4-5']);
    expect(r.items.get('5.2-3')?.verdict).toBe('fail');
    expect(evidence(r.items.get('5.2-3'))).toMatch(/firmware "0\.9\.9": NOT on the certified list/);
    expect(r.items.get('5.4-5')?.verdict).toBe('pass');
  }, 60_000);
});
