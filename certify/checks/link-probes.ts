import { isIP } from 'node:net';
import { decodeReply, encodeRequest } from '../../protocol/hsm/codec.js';
import type { CertifyContext, ServiceEndpoint } from '../context.js';
import { describeTls, probePlaintext, probeTls } from '../net/tls-probe.js';
import { type Finding, finding, unverified } from './util.js';

const NC_FRAME = encodeRequest(7, 'NC', {});

/** True if `reply` (bytes as received, length prefix included) is a cipher-machine answer to NC. */
function answersNc(reply: Buffer): boolean {
  return reply.length > 2 && decodeReply(reply.subarray(2), 'NC').ok;
}

/**
 * A cipher machine's port (spec §5.1.1-6): a plaintext request gets no plaintext answer; TLS
 * without a client certificate, and with a certificate from an unknown CA, gets no answer; TLS
 * with the configured client certificate validates the machine's certificate and is answered.
 */
export async function probeCipherMachineLink(ctx: CertifyContext, ep: ServiceEndpoint): Promise<Finding[]> {
  const out: Finding[] = [];
  const plain = await probePlaintext(ep.host, ep.port, NC_FRAME);
  const plainAnswered = answersNc(plain.reply);
  out.push(
    finding(
      plain.connected && !plainAnswered,
      plainAnswered
        ? `${ep.name} ${ep.host}:${ep.port} answered a plaintext diagnostics request: the link is not encrypted`
        : plain.connected
          ? `${ep.name} ${ep.host}:${ep.port}: a plaintext diagnostics request got no plaintext answer (${plain.tlsAlert ? 'TLS alert' : plain.closedByPeer ? 'connection closed' : 'no reply'}, ${plain.reply.length} bytes)`
          : `${ep.name} ${ep.host}:${ep.port} is not reachable (${plain.error ?? 'no connection'})`,
    ),
  );
  const tls = ctx.cipherMachines.tls;
  if (!tls) {
    out.push(finding(false, `${ep.name}: no TLS material is configured for the cipher-machine link`));
    return out;
  }
  const base = { host: ep.host, port: ep.port, ca: tls.ca, payload: NC_FRAME, waitMs: 1000 };
  const anon = await probeTls(base);
  out.push(
    finding(
      !answersNc(anon.reply),
      `${ep.name}: TLS without a client certificate ${answersNc(anon.reply) ? 'WAS ANSWERED' : `was refused (${anon.error ?? 'closed without an answer'})`}`,
    ),
  );
  if (tls.rogue) {
    const rogue = await probeTls({ ...base, cert: tls.rogue.cert, key: tls.rogue.key });
    out.push(
      finding(
        !answersNc(rogue.reply),
        `${ep.name}: TLS with a client certificate from an untrusted CA ${answersNc(rogue.reply) ? 'WAS ANSWERED' : `was refused (${rogue.error ?? 'closed without an answer'})`}`,
      ),
    );
  }
  const good = await probeTls({ ...base, cert: tls.cert, key: tls.key });
  out.push(
    finding(
      good.handshake && answersNc(good.reply),
      `${ep.name}: with the configured client certificate: ${describeTls(good)}; diagnostics ${answersNc(good.reply) ? 'answered' : `not answered (${good.error ?? 'no reply'})`}`,
    ),
  );
  return out;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const isLoopbackHost = (h: string): boolean =>
  LOOPBACK_HOSTS.has(h) || (isIP(h) === 4 && h.startsWith('127.'));

/**
 * An HTTP service (central service, agent API): the URL is https, the TLS handshake validates the
 * certificate against the CA and negotiates TLS ≥ 1.2, and a plaintext HTTP request to the same
 * port gets no HTTP answer.
 */
export async function probeHttpsService(
  name: string,
  url: string,
  ca: Buffer | undefined,
): Promise<Finding[]> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const out: Finding[] = [
    finding(u.protocol === 'https:', `${name} URL ${u.origin} uses ${u.protocol.slice(0, -1)}`),
  ];
  const t = await probeTls({
    host,
    port,
    ...(ca ? { ca } : {}),
    ...(isIP(host) ? {} : { servername: host }),
  });
  out.push(finding(t.handshake && /^TLSv1\.[23]$/.test(t.protocol ?? ''), `${name}: ${describeTls(t)}`));
  const plain = await probePlaintext(
    host,
    port,
    Buffer.from(
      `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    ),
  );
  const http = plain.reply.toString('latin1', 0, 8).startsWith('HTTP/');
  out.push(
    finding(
      !http,
      http
        ? `${name}: a plaintext HTTP request was answered (${plain.reply.toString('latin1', 0, 12)}): plaintext is served`
        : `${name}: a plaintext HTTP request got no HTTP answer (${plain.tlsAlert ? 'TLS alert' : plain.closedByPeer ? 'connection closed' : 'no reply'})`,
    ),
  );
  return out;
}

/** The agent's local API: loopback-only (traffic never leaves the host) or HTTPS. */
export async function probeAgentApi(url: string, ca: Buffer | undefined): Promise<Finding[]> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol === 'https:') return probeHttpsService('agent local API', url, ca);
  return [
    finding(
      isLoopbackHost(host),
      isLoopbackHost(host)
        ? `agent local API ${u.origin} is bound to the loopback address ${host}: its traffic never leaves the host`
        : `agent local API ${u.origin} serves plain HTTP on a non-loopback address`,
    ),
  ];
}

/** A scanner link: serial, HID and USB are local buses; TCP must stay on the loopback. */
export function terminalLink(port: string): Finding {
  if (port.startsWith('tcp://')) {
    const host = new URL(port).hostname.replace(/^\[|\]$/g, '');
    return finding(
      isLoopbackHost(host),
      isLoopbackHost(host)
        ? `terminal link ${port}: TCP on the loopback interface (local to the host)`
        : `terminal link ${port}: TCP to another host without encryption`,
    );
  }
  if (/^(\/dev\/|COM\d+|hid:|usb:|serial:)/i.test(port))
    return finding(true, `terminal link ${port}: a local bus (serial/USB/HID)`);
  return unverified(`terminal link ${port}: kind not recognised; check by inspection`);
}
