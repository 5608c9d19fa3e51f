import { probeAgentApi, probeCipherMachineLink, probeHttpsService, terminalLink } from './link-probes.js';
import { type CertifyCheck, type Finding, judge } from './util.js';

/**
 * 5.1.1-6 — every link of the terminal system is encrypted or local: reader terminal ↔ agent
 * (local bus or loopback), agent local API (loopback or HTTPS), agent ↔ cipher machine (TLS with
 * client certificates, proven by connecting: plaintext, anonymous and foreign-certificate
 * attempts get no answer), agent ↔ central service (HTTPS validated against the CA).
 */
export const terminalSystemLinks: CertifyCheck = {
  id: '5.1.1-6',
  timeoutMs: 60_000,
  async run(ctx) {
    const f: Finding[] = [];
    for (const port of ctx.agentLinks.scannerPorts) f.push(terminalLink(port));
    f.push(...(await probeAgentApi(ctx.agentLinks.apiUrl, ctx.agentLinks.apiCa)));
    for (const m of ctx.cipherMachines.machines) f.push(...(await probeCipherMachineLink(ctx, m)));
    f.push(
      ...(await probeHttpsService(
        'central service (as the agent reaches it)',
        ctx.central.url,
        ctx.central.ca,
      )),
    );
    return judge(
      f,
      'Serve the cipher machine over TLS with client certificates, the central service over HTTPS with a certificate from the configured CA, keep scanner links local, and bind the agent API to loopback or serve it over HTTPS.',
    );
  },
};

/**
 * 5.1.1-7 — the back-end services the apps talk to (the central service's application servers,
 * which also carry the monitoring interface): each instance over HTTPS with TLS ≥ 1.2, a
 * certificate valid for the configured CA, and no plaintext answer on the same port.
 */
export const appBackendLinks: CertifyCheck = {
  id: '5.1.1-7',
  timeoutMs: 60_000,
  async run(ctx) {
    const f: Finding[] = [];
    for (const inst of ctx.central.instances) {
      f.push(
        ...(await probeHttpsService(inst.name, `https://${inst.host}:${inst.port}/api`, ctx.central.ca)),
      );
    }
    if (ctx.central.instances.length === 0) {
      f.push(...(await probeHttpsService('central service', ctx.central.url, ctx.central.ca)));
    }
    return judge(
      f,
      'Serve every application-server instance over HTTPS (TLS 1.2 or newer) with a certificate chained to the CA the apps trust, and close plaintext ports.',
    );
  },
};
