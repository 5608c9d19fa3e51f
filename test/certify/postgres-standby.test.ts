// 5.5-2 (database hot standby) runs by itself when the target names a PostgreSQL primary and
// standby: checked here against a real synchronous pair with the central service on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseStandby } from '../../certify/checks/standby.js';
import type { CertifyContext } from '../../certify/context.js';
import { type LabSystem, startLab } from '../../lab/start.js';
import { findPostgres, type PrimaryStandby, startPrimaryStandby } from '../support/postgres.js';

const bin = findPostgres();
const TERMINAL = 'CERT-DB-1';

describe.skipIf(bin === undefined)('certify 5.5-2 on PostgreSQL streaming replication', () => {
  let pair: PrimaryStandby;
  let lab: LabSystem;
  const ctxFor = (primary: string, standby: string): CertifyContext =>
    ({
      central: {
        terminalCode: TERMINAL,
        client: (o?: { timeoutMs?: number }) => lab.centralClient(TERMINAL, o?.timeoutMs ?? 3000),
        database: { kind: 'postgres-standby', primary, standby },
      },
    }) as unknown as CertifyContext;

  beforeAll(async () => {
    pair = await startPrimaryStandby(bin!);
    const url = `postgres://${pair.user}@${pair.hosts.map((h) => `${h.host}:${h.port}`).join(',')}/${pair.database}`;
    lab = await startLab({
      central: {
        postgres: { url },
        terminals: [{ terminalCode: TERMINAL, name: TERMINAL, orgCode: '', enabled: true }],
      },
      agents: [],
    });
  }, 90_000);
  afterAll(async () => {
    await lab?.stop();
    pair?.stop();
  });

  it('passes with a synchronous streaming standby that holds an acknowledged card at once', async () => {
    const r = await databaseStandby.run(ctxFor(pair.primary.url, pair.standby.url));
    expect(r.evidence.join('\n')).toMatch(/acknowledged is on the standby after/);
    expect(r.verdict).toBe('pass');
  }, 60_000);

  it('fails when the "standby" is not one (pointed at the primary)', async () => {
    const r = await databaseStandby.run(ctxFor(pair.primary.url, pair.primary.url));
    expect(r.verdict).toBe('fail');
    expect(r.evidence.join('\n')).toMatch(/in recovery false/);
  }, 60_000);
});
