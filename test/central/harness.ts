import type { Logger } from 'pino';
import { createHsmClient, type HsmClient } from '../../clients/hsm/index.js';
import {
  type BizRequest,
  type CentralMethod,
  type CentralRequestEnvelope,
  computeDigest,
  DEFAULT_VERSION,
  decryptBizContent,
  digestFields,
  digestMatches,
  encryptBizContent,
  openReply,
  PROVINCIAL_DIALECT,
  sealRequest,
} from '../../protocol/central/index.js';
import {
  type CentralConfig,
  type CentralServiceHandle,
  createCentralLogger,
  parseCentralConfig,
  startCentralService,
} from '../../sim/central/index.js';
import { generateKeys } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import type { CentralStore } from '../../storage/central/contract.js';

/**
 * A real soft cipher machine, a real HSM client and the central service over real HTTP, with a
 * fake clock shared by the service and the test's requests. `close()` stops all three.
 */
export const APP = { appId: 'HOSP-0001', appSecret: 'Sx7#kQ2!mZ9@pL4w' } as const;
export const MONITOR_APP = { appId: 'MONITOR-01', appSecret: 'Mon1t0r-Secr3t!!' } as const;
export const TERMINAL = 'TERM-0001';
/** 2024-03-01 10:00:00 Beijing time. */
export const T0 = Date.UTC(2024, 2, 1, 2, 0, 0);

export interface Clock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(start = T0): Clock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Harness {
  readonly service: CentralServiceHandle;
  readonly hsmServer: CipherMachineServer;
  readonly hsm: HsmClient;
  readonly clock: Clock;
  readonly config: CentralConfig;
  close(): Promise<void>;
}

export function testConfig(extra: Record<string, unknown> = {}): CentralConfig {
  return parseCentralConfig({
    apps: [
      { ...APP, name: 'Test hospital' },
      { ...MONITOR_APP, name: 'Monitoring', methods: ['ehc.monitor.usecard.query'] },
    ],
    terminals: [
      { terminalCode: TERMINAL, name: 'Window 1', orgCode: '5100A0013' },
      { terminalCode: 'TERM-OFF', enabled: false },
    ],
    validity: { lifetimeS: 60, skewS: 5 },
    requestWindowS: 300,
    // Generous: the shared test machine is often loaded; the hang test sets its own.
    hsmTimeoutMs: 5_000,
    log: { level: 'silent' },
    ...extra,
  });
}

export async function startHarness(
  opts: {
    config?: CentralConfig;
    db?: string;
    /** A ready store (e.g. PostgreSQL); closed by the caller. */
    store?: CentralStore;
    hsmTimeoutMs?: number;
    logger?: Logger;
    /** Share another harness's cipher machine and clock (a second service instance). */
    peerOf?: Harness;
  } = {},
): Promise<Harness> {
  const clock = opts.peerOf?.clock ?? fakeClock();
  const hsmServer = opts.peerOf?.hsmServer ?? (await CipherMachineServer.start({ keys: generateKeys() }));
  const hsm = createHsmClient({
    endpoints: [hsmServer.address()],
    timeoutMs: opts.hsmTimeoutMs ?? 5_000,
    heartbeatMs: 0,
  });
  const config = opts.config ?? testConfig();
  let service: CentralServiceHandle;
  try {
    service = await startCentralService({
      hsm,
      config,
      ...(opts.store === undefined ? { db: opts.db ?? ':memory:' } : { store: opts.store }),
      now: clock.now,
      logger: opts.logger ?? createCentralLogger('silent'),
    });
  } catch (e) {
    await hsm.close();
    if (opts.peerOf === undefined) await hsmServer.close();
    throw e;
  }
  return {
    service,
    hsmServer,
    hsm,
    clock,
    config,
    close: async () => {
      await service.close();
      await hsm.close();
      if (opts.peerOf === undefined) await hsmServer.close();
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    // Bounded: a request that never gets an answer fails the test instead of hanging it.
    signal: AbortSignal.timeout(30_000),
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Seals a request for any method name (the monitoring query is not a provincial method). */
export function sealAny(
  method: string,
  biz: unknown,
  timestamp: number,
  app: { appId: string; appSecret: string } = APP,
): CentralRequestEnvelope {
  const plaintext = JSON.stringify(biz);
  const head = {
    app_id: app.appId,
    term_id: TERMINAL,
    method,
    version: DEFAULT_VERSION,
    timestamp: String(timestamp),
    digest_type: 'SM3',
    enc_type: 'SM4',
  } as const;
  const digest = computeDigest(digestFields(head, plaintext, 'request'), app.appSecret, PROVINCIAL_DIALECT);
  return {
    ...head,
    biz_content: encryptBizContent(plaintext, app.appSecret, PROVINCIAL_DIALECT),
    digest,
  };
}

export type Answer =
  | { readonly status: 'success'; readonly biz: Record<string, unknown> }
  | { readonly status: 'failure'; readonly errCode: string | undefined; readonly msg: string };

/** Sends a sealed provincial request and opens the reply with the protocol's own client code. */
export async function call<M extends CentralMethod>(
  h: Harness,
  method: M,
  biz: BizRequest<M>,
  opts: { timestamp?: number; app?: { appId: string; appSecret: string } } = {},
): Promise<Answer> {
  const app = opts.app ?? APP;
  const env = sealRequest(
    {
      appId: app.appId,
      termId: TERMINAL,
      method,
      version: DEFAULT_VERSION,
      timestamp: opts.timestamp ?? h.clock.now(),
      biz,
    },
    app.appSecret,
  );
  return send(h, env, method, app);
}

/** Posts an envelope and opens the reply (which must be signed and valid). */
export async function send(
  h: Harness,
  env: unknown,
  method: CentralMethod,
  app: { appId: string; appSecret: string } = APP,
): Promise<Answer> {
  const { json } = await postJson(h.service.url, env);
  const r = openReply(json, {
    secret: app.appSecret,
    request: { appId: app.appId, termId: TERMINAL, method },
  });
  if (!r.ok) throw new Error(`reply did not open: ${r.error.type}: ${r.error.message}`);
  const v = r.value;
  return v.status === 'success'
    ? { status: 'success', biz: v.biz as Record<string, unknown> }
    : { status: 'failure', errCode: v.errCode, msg: v.msg };
}

let serial = 0;
/** A unique serial number for register_no / generate_no / revoke_no / record_id. */
export function nextNo(prefix: string): string {
  serial++;
  return `${prefix}${process.pid}-${serial}`;
}

export function person(i: number): { id_type: string; id_no: string; name: string } {
  const n = String(100000 + i).slice(-6);
  return { id_type: '01', id_no: `110101199001${n}X`.slice(0, 18), name: `测试${i}号` };
}

export async function registerCard(h: Harness, i: number): Promise<string> {
  const r = await call(h, 'ehc.ehealthcard.register', {
    register_no: nextNo('R'),
    register_time: '20240301100000',
    ...person(i),
    cellphone: '13812345678',
  });
  if (r.status !== 'success') throw new Error(`register failed: ${r.errCode}`);
  return r.biz.ehealth_card_id as string;
}

export async function dynamicCode(h: Harness, ehcId: string): Promise<string> {
  const r = await call(h, 'ehc.ehealthcode.generate', {
    ehealth_card_id: ehcId,
    ewmbs: '0',
    generate_no: nextNo('G'),
    generate_time: '20240301100000',
  });
  if (r.status !== 'success') throw new Error(`generate failed: ${r.errCode}`);
  return r.biz.ehealth_code as string;
}

export function verifyBiz(code: string, terminalcode = TERMINAL): BizRequest<'ehc.ehealthcode.verify'> {
  return { ehealth_code: code, medstepcode: '010101', terminalcode, channelcode: '01' };
}

/** Opens a signed reply to any method (checks the digest with the protocol's primitives). */
export function openAny(
  json: unknown,
  app: { appId: string; appSecret: string } = APP,
): { code: string; errCode?: string; biz: Record<string, unknown> } {
  const env = json as Record<string, string>;
  const plain = decryptBizContent(env.biz_content ?? '', app.appSecret, PROVINCIAL_DIALECT);
  if (!plain.ok) throw new Error(`reply biz_content: ${plain.error.message}`);
  const expected = computeDigest(digestFields(env, plain.value, 'reply'), app.appSecret, PROVINCIAL_DIALECT);
  if (!digestMatches(env.digest ?? '', expected)) throw new Error('reply digest does not match');
  return {
    code: env.code ?? '',
    ...(env.err_code === undefined ? {} : { errCode: env.err_code }),
    biz: JSON.parse(plain.value) as Record<string, unknown>,
  };
}
