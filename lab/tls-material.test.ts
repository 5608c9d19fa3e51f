import { createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { probeTls } from '../certify/net/tls-probe.js';
import { fixturePki } from './tls-material.js';

describe('committed test PKI (used when openssl is absent)', () => {
  it('serves TLS for 127.0.0.1 that validates against its CA, requires the client certificate, and refuses the rogue one', async () => {
    const pki = fixturePki();
    const server = createServer(
      { cert: pki.server.cert, key: pki.server.key, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
      (s) => s.on('data', () => s.end('ok')),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const base = { host: '127.0.0.1', port, ca: pki.ca, payload: Buffer.from('hi'), waitMs: 1000 };
      const good = await probeTls({ ...base, cert: pki.client.cert, key: pki.client.key });
      expect(good.handshake).toBe(true);
      expect(good.reply.toString()).toBe('ok');
      expect(good.subjectAltName).toContain('127.0.0.1');
      expect(
        (await probeTls({ ...base, cert: pki.rogueClient.cert, key: pki.rogueClient.key })).answered,
      ).toBe(0);
      expect((await probeTls(base)).answered).toBe(0);
      expect((await probeTls({ host: '127.0.0.1', port })).handshake).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
