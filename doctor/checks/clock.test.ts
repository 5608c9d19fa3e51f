// Clock skew against the central service's HTTP Date header (a loopback server whose clock is off).
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import { clockCheck, skewLimits, skewResult } from './clock.js';

let server: Server | undefined;
afterEach(() => new Promise((r) => (server ? server.close(r) : r(undefined))));

/** Answers every request with a body that is no envelope and a Date `offsetMs` from the real clock. */
async function centralWithClock(offsetMs: number): Promise<string> {
  server = createServer((_req, res) => {
    res.sendDate = false;
    res.writeHead(200, {
      date: new Date(Date.now() + offsetMs).toUTCString(),
      'content-type': 'application/json',
    });
    res.end('{}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

const config = (url: string) =>
  parseAgentConfig({
    verify: { mode: 'central' },
    central: { url, appId: 'APP1', appSecret: '0123456789abcdef', timeoutMs: 500 },
  });

const env = (now?: () => number) =>
  fakeEnv(mkdtempSync(join(tmpdir(), 'ehc-doctor-clock-')), now ? { now } : {});

describe('doctor clock', () => {
  it('the central service 5 minutes ahead: fail, with the NTP fix', async () => {
    const results = await runChecks([clockCheck], {
      env: env(),
      config: config(await centralWithClock(300_000)),
    });
    expect(results).toEqual([
      {
        id: 'clock',
        status: 'fail',
        detail: expect.stringMatching(
          /^local clock (299|300)\.\d s behind central service .* dynamic codes fail\)$/,
        ),
        fix: expect.stringContaining('NTP'),
      },
    ]);
  });

  it('this machine 5 minutes ahead (injected clock) is found the same way; an agreeing clock is ok', async () => {
    const url = await centralWithClock(0);
    const ahead = await runChecks([clockCheck], {
      env: env(() => Date.now() + 300_000),
      config: config(url),
    });
    expect(ahead[0]).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ahead of central service'),
    });
    const same = await runChecks([clockCheck], { env: env(), config: config(url) });
    expect(same[0]?.status).toBe('ok');
  });

  it('limits come from the code lifetime: warn past half of it, fail past lifetime + skew', () => {
    const limits = skewLimits(config('http://127.0.0.1:1/api'));
    expect(limits).toEqual({ warnMs: 30_000, failMs: 65_000 });
    expect(skewResult('p', 29_000, limits).status).toBe('ok');
    expect(skewResult('p', -31_000, limits).status).toBe('warn');
    expect(skewResult('p', 66_000, limits).status).toBe('fail');
  });
});
