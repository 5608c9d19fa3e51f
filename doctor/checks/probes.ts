/**
 * One test call to each peer, through the project's clients, shared by the peers and clock checks
 * (`ctx.once`): the cipher machine's diagnostics command (`info()`, which carries the machine's
 * clock) and a central-service `query` of a card id that does not exist (any verified answer,
 * success or "no such card", proves the service, the app id and secret work). The central
 * service's HTTP `Date` header is kept for the clock check, whatever the call's outcome.
 */
import { connect } from 'node:net';
import type { AgentConfig } from '../../agent/config/agent-config.js';
import { CentralClient } from '../../clients/central/client.js';
import type { CentralResult } from '../../clients/central/types.js';
import { createHsmClient } from '../../clients/hsm/client.js';
import { parseEndpoint } from '../../clients/hsm/endpoint.js';
import type { HsmDeviceInfo, HsmResult } from '../../clients/hsm/types.js';
import type { DoctorContext } from '../types.js';

export const PROBE_CARD_ID = 'EHCDOCTORPROBE0';

export interface TcpOutcome {
  readonly ok: boolean;
  readonly code?: string;
}

/** Whether anything accepts a TCP connection at host:port within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (o: TcpOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'ETIMEDOUT' }), timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, code: e.code ?? e.name }));
  });
}

export interface HsmProbe {
  readonly endpoint: string;
  readonly tls: boolean;
  readonly tcp: TcpOutcome;
  readonly result?: HsmResult<HsmDeviceInfo>;
  /** Time to connect and get the first answer (ms), when it came. */
  readonly connectedMs?: number;
  /** The TLS files could not be read (their error code): no call was made. */
  readonly filesError?: string;
  /** Local clock before and after the (second) call (ms since the epoch). */
  readonly sentMs: number;
  readonly answeredMs: number;
}

export function hsmEndpoints(config: AgentConfig): string[] {
  return config.hsm ? [config.hsm.primary, ...(config.hsm.standby ? [config.hsm.standby] : [])] : [];
}

export function probeHsm(ctx: DoctorContext, endpoint: string): Promise<HsmProbe> {
  return ctx.once(`hsm ${endpoint}`, async () => {
    const hsm = ctx.config!.hsm!;
    const ep = parseEndpoint(endpoint);
    const sentMs = ctx.env.now();
    const tcp = await tcpReachable(ep.host, ep.port, hsm.timeoutMs);
    const base = { endpoint, tls: hsm.tls !== undefined, tcp, sentMs };
    if (!tcp.ok) return { ...base, answeredMs: ctx.env.now() };
    const fs = ctx.env.fs;
    let tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined;
    try {
      tls = hsm.tls
        ? {
            ca: await fs.readFile(hsm.tls.ca),
            cert: await fs.readFile(hsm.tls.cert),
            key: await fs.readFile(hsm.tls.key),
          }
        : undefined;
    } catch (e) {
      return { ...base, filesError: (e as NodeJS.ErrnoException).code ?? 'error', answeredMs: ctx.env.now() };
    }
    const client = createHsmClient({
      endpoints: [ep],
      timeoutMs: hsm.timeoutMs,
      poolSize: 1,
      heartbeatMs: 0,
      ...(tls ? { tls } : {}),
    });
    try {
      // The first call pays for connecting (and the TLS handshake); the second is the round trip.
      const t0 = ctx.env.now();
      const first = await client.info();
      const connectedMs = ctx.env.now() - t0;
      if (first.status !== 'ok') return { ...base, sentMs: t0, result: first, answeredMs: ctx.env.now() };
      const t1 = ctx.env.now();
      const result = await client.info();
      return { ...base, connectedMs, sentMs: t1, result, answeredMs: ctx.env.now() };
    } finally {
      await client.close();
    }
  });
}

export interface CentralProbe {
  readonly url: string;
  readonly result: CentralResult<unknown>;
  /** The reply's HTTP `Date` header (ms since the epoch), when a reply came. */
  readonly dateMs?: number;
  readonly sentMs: number;
  readonly answeredMs: number;
}

export function centralUrls(config: AgentConfig): string[] {
  return config.central ? [config.central.url, ...(config.central.standbyUrls ?? [])] : [];
}

export function probeCentral(ctx: DoctorContext, url: string): Promise<CentralProbe> {
  return ctx.once(`central ${url}`, async () => {
    const central = ctx.config!.central!;
    let ca: Buffer | undefined;
    try {
      ca = central.caFile ? await ctx.env.fs.readFile(central.caFile) : undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      const message = `cannot read central.caFile (${code})`;
      const now = ctx.env.now();
      return {
        url,
        result: { status: 'unavailable', reason: 'connection', message, elapsedMs: 0 },
        sentMs: now,
        answeredMs: now,
      };
    }
    const handle = ctx.env.makeFetch(ca);
    let dateMs: number | undefined;
    const watched: typeof fetch = async (input, init) => {
      const res = await handle.fetch(input, init);
      const date = Date.parse(res.headers.get('date') ?? '');
      if (Number.isFinite(date)) dateMs = date;
      return res;
    };
    const client = new CentralClient({
      url,
      appId: central.appId,
      appSecret: central.appSecret,
      termId: ctx.config!.terminal.terminalCode,
      timeoutMs: central.timeoutMs,
      clock: () => ctx.env.now(),
      fetch: watched,
    });
    try {
      const sentMs = ctx.env.now();
      const result = await client.query({ ehealth_card_id: PROBE_CARD_ID }, { signal: ctx.signal });
      return { url, result, ...(dateMs !== undefined ? { dateMs } : {}), sentMs, answeredMs: ctx.env.now() };
    } finally {
      handle.close();
    }
  });
}
