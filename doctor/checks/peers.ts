/**
 * The cipher machine(s) and the central service(s) the configuration names: reachable (TCP), TLS
 * handshake done, a test call answered, and the round-trip time.
 */
import type { AgentConfig } from '../../agent/config/agent-config.js';
import type { Check, CheckResult } from '../types.js';
import {
  type CentralProbe,
  centralUrls,
  type HsmProbe,
  hsmEndpoints,
  probeCentral,
  probeHsm,
} from './probes.js';

function hsmResult(p: HsmProbe, timeoutMs: number): CheckResult {
  const at = `cipher machine ${p.endpoint}`;
  if (!p.tcp.ok) {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} not reachable (${p.tcp.code === 'ETIMEDOUT' ? `no connection within ${timeoutMs} ms` : p.tcp.code})`,
      fix:
        p.tcp.code === 'ENOTFOUND' || p.tcp.code === 'EAI_AGAIN'
          ? `the name in ${p.endpoint} does not resolve: fix DNS or hsm.primary / hsm.standby`
          : `check the machine is on and listening on ${p.endpoint}, and that the firewall lets this host through (hsm.primary / hsm.standby)`,
    };
  }
  if (p.filesError !== undefined || !p.result) {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} not tried: the hsm.tls files cannot be read (${p.filesError ?? 'error'})`,
      fix: 'see the keys lines',
    };
  }
  const r = p.result;
  const rtt = p.answeredMs - p.sentMs;
  if (r.status === 'ok') {
    const v = r.value;
    return {
      id: 'peers',
      status: 'ok',
      detail: `${at}${p.tls ? ' (TLS)' : ''} connected and answered in ${p.connectedMs ?? rtt} ms, round trip ${rtt} ms: ${v.vendor} ${v.model}, firmware ${v.firmware}`,
    };
  }
  if (r.status === 'unavailable' && r.reason === 'timeout') {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} accepted the connection but gave no answer within ${timeoutMs} ms`,
      fix: 'the machine is overloaded or hung, or something else listens on that port: restart it or fix hsm.primary',
    };
  }
  if (
    r.status === 'unavailable' &&
    (r.reason === 'connect-failed' || r.reason === 'connection-lost') &&
    p.tls
  ) {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} TLS handshake failed or the machine refused this client (${r.message})`,
      fix: 'check hsm.tls: the CA must have signed the machine’s certificate and the machine must trust this client certificate (see the keys lines)',
    };
  }
  return {
    id: 'peers',
    status: 'fail',
    detail: `${at} did not answer the diagnostics call: ${r.reason} (${r.message})`,
    fix: 'check that it is a cipher machine of the supported command set on that port',
  };
}

/** Node's certificate-check error codes (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID…). */
const TLS_ERROR = /CERT|SSL|TLS|SIGNATURE|ISSUER/;

function centralResult(p: CentralProbe): CheckResult {
  const at = `central service ${p.url}`;
  const r = p.result;
  if (r.status !== 'unavailable') {
    return {
      id: 'peers',
      status: 'ok',
      detail: `${at} answered a test query in ${Math.round(r.elapsedMs)} ms`,
    };
  }
  const fixes: Record<string, string> = {
    connection: `check the service runs at ${p.url} and that this host reaches it (DNS, firewall, proxy; central.url)`,
    timeout:
      'the service is overloaded or hung, or a proxy swallows the request: check it, or raise central.timeoutMs',
    'http-status': 'the URL answers but is not the envelope endpoint: check central.url',
    'unverifiable-reply':
      'check central.appId and central.appSecret (replies are sealed with the app secret) and this machine’s clock',
    'malformed-reply': 'the URL answers but is not the envelope endpoint: check central.url',
  };
  if (r.message.startsWith('cannot read central.caFile')) {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} not tried: ${r.message}`,
      fix: 'see the keys lines',
    };
  }
  if (r.reason === 'connection' && TLS_ERROR.test(r.message)) {
    return {
      id: 'peers',
      status: 'fail',
      detail: `${at} TLS handshake failed: ${r.message}`,
      fix: 'the service’s certificate must be signed by the CA in central.caFile (or a system CA) and name the host in central.url',
    };
  }
  return {
    id: 'peers',
    status: 'fail',
    detail: `${at} ${r.reason === 'timeout' ? 'gave no answer' : 'did not answer'}: ${r.message}`,
    fix: fixes[r.reason] ?? `check central.url (${r.reason})`,
  };
}

/** The runner's limit: the slowest endpoint's own timeouts (TCP + call) plus a margin. */
function peersTimeout(config: AgentConfig | undefined): number {
  const hsm = config?.hsm ? 2 * config.hsm.timeoutMs : 0;
  const central = config?.central ? 2 * config.central.timeoutMs : 0;
  return Math.max(hsm, central) + 2000;
}

export const peersCheck: Check = {
  id: 'peers',
  timeoutMs: peersTimeout,
  async run(ctx) {
    const config = ctx.config;
    if (!config) return [];
    const hsm = hsmEndpoints(config).map(async (e) =>
      hsmResult(await probeHsm(ctx, e), config.hsm!.timeoutMs),
    );
    const central = centralUrls(config).map(async (u) => centralResult(await probeCentral(ctx, u)));
    return Promise.all([...hsm, ...central]);
  },
};

export { peersTimeout };
