import { describe, expect, it } from 'vitest';
import { DEFAULT_CENTRAL_CONFIG, parseCentralConfig } from './config.js';
import { isCentralSetupError } from './errors.js';

const app = { appId: 'HOSP-0001', appSecret: '0123456789ABCDEF' };

describe('parseCentralConfig', () => {
  it('fills defaults', () => {
    const c = parseCentralConfig({ apps: [app] });
    expect(c.validity).toEqual(DEFAULT_CENTRAL_CONFIG.validity);
    expect(c.requestWindowS).toBe(300);
    expect(c.apps[0]).toEqual({ ...app, name: 'HOSP-0001' });
    expect(c.admin).toBeUndefined();
  });

  it.each([
    [{ apps: [{ appId: 'A', appSecret: 'short' }] }, 'apps[0].appSecret'],
    [{ apps: [app, app] }, 'duplicate appId'],
    [{ terminals: [{ terminalCode: 'has space' }] }, 'terminals[0].terminalCode'],
    [{ validity: { lifetimeS: 0 } }, 'validity.lifetimeS'],
    [{ validity: { timeZone: 'Mars/Olympus' } }, 'validity.timeZone'],
    [{ admin: { token: 'short', backupDir: '/tmp' } }, 'admin.token'],
    [{ log: { level: 'loud' } }, 'log.level'],
    [[], '(root)'],
  ])('names the bad field: %j', (value, field) => {
    let thrown: unknown;
    try {
      parseCentralConfig(value);
    } catch (e) {
      thrown = e;
    }
    expect(isCentralSetupError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(field);
    expect((thrown as Error).message).not.toContain('0123456789ABCDEF');
  });
});
