import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createHsmClient, type HsmClient } from '../../clients/hsm/index.js';
import { sealRequest } from '../../protocol/central/index.js';
import {
  type CentralServiceHandle,
  createCentralLogger,
  startCentralService,
} from '../../sim/central/index.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import {
  APP,
  call,
  type Harness,
  nextNo,
  openAny,
  person,
  startHarness,
  TERMINAL,
  testConfig,
} from './harness.js';

const fixture = (f: string) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url));

function httpsPost(url: string, body: unknown, ca: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('central service over HTTPS', () => {
  let hsmServer: CipherMachineServer | undefined;
  let hsm: HsmClient | undefined;
  let service: CentralServiceHandle | undefined;
  afterEach(async () => {
    await service?.close();
    await hsm?.close();
    await hsmServer?.close();
  });

  it('serves the envelope over TLS when given a certificate', async () => {
    hsmServer = await CipherMachineServer.start({ keys: generateKeys() });
    hsm = createHsmClient({ endpoints: [hsmServer.address()], heartbeatMs: 0 });
    service = await startCentralService({
      hsm,
      config: testConfig(),
      tls: { cert: fixture('cert.pem'), key: fixture('key.pem') },
      logger: createCentralLogger('silent'),
    });
    expect(service.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
    const env = sealRequest(
      {
        appId: APP.appId,
        termId: TERMINAL,
        method: 'ehc.ehealthcard.register',
        version: '1.0.0',
        timestamp: Date.now(),
        biz: { register_no: nextNo('R'), register_time: '20240301100000', ...person(1) },
      },
      APP.appSecret,
    );
    const reply = openAny(await httpsPost(service.url, env, fixture('cert.pem')));
    expect(reply.code).toBe('10');
    expect(reply.biz.ehealth_card_id).toMatch(/^[0-9A-F]{64}$/);
  });
});

describe('personal data in logs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('never logs ID numbers, names or phones, including in refusals', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    h = await startHarness({ logger: createCentralLogger('trace', sink) });
    const p = person(7);
    const biz = { register_no: nextNo('R'), register_time: '20240301100000', ...p, cellphone: '13912345678' };
    expect((await call(h, 'ehc.ehealthcard.register', biz)).status).toBe('success');
    h.clock.advance(1);
    // Refusals are logged: a conflict, a bad field, a stale request.
    await call(h, 'ehc.ehealthcard.register', { ...biz, id_no: '110101199001019999' });
    await call(h, 'ehc.ehealthcard.register', { ...biz, register_no: nextNo('R'), id_no: `${p.id_no} ` });
    await call(h, 'ehc.ehealthcode.query', { id_type: '01', id_no: p.id_no }, { timestamp: 0 });
    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('CENTRAL_REGISTER_CONFLICT');
    for (const secret of [p.id_no, '110101199001019999', p.name, '13912345678', APP.appSecret]) {
      expect(text).not.toContain(secret);
    }
  });
});
