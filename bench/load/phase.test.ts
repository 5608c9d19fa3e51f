import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhase } from './phase.js';

describe('a closed-loop phase that ends early (stopWhen)', () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never counts more successes than replies, however the stop falls', async () => {
    for (let run = 0; run < 5; run++) {
      let judged = 0;
      const s = await runPhase({
        url,
        connections: 8,
        durationS: 10,
        nextBody: () => '{}',
        judge: () => {
          judged++;
          return { ok: true };
        },
        stopWhen: () => judged >= 200 + run * 37,
      });
      expect(s.successes).toBeLessThanOrEqual(s.requests);
      expect(s.successRate).toBeLessThanOrEqual(1);
      expect(s.successes).toBeGreaterThanOrEqual(200 + run * 37);
    }
  });
});
