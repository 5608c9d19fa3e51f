import { createInterface } from 'node:readline/promises';
import { TcpProxy } from '../../lab/net/tcp-proxy.js';
import type { FaultControl } from '../context.js';
import { CertifyError } from '../errors.js';
import type { TargetConfig } from './config.js';

const split = (hp: string): { host: string; port: number } => {
  const i = hp.lastIndexOf(':');
  return { host: hp.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hp.slice(i + 1)) };
};

/** Asks the operator (stderr) and waits for Enter on stdin. */
export async function askOperator(what: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    await rl.question(`\n>>> ${what}\n>>> Press Enter when done. `);
  } finally {
    rl.close();
  }
  return `operator confirmed: ${what}`;
}

export interface TargetFaults extends FaultControl {
  close(): Promise<void>;
}

/**
 * `proxy` mode: certification runs the TCP relays the system under test is pointed through
 * (`faults.cipherMachineProxies`: one per cipher machine, primary first; `faults.centralPrimaryProxy`:
 * where the load balancer reaches the primary application server) and cuts them. `manual` mode
 * (and anything the proxies do not cover): the operator is asked on the console and certification
 * waits for the confirmation.
 */
export async function targetFaults(cfg: TargetConfig['faults'], ask = askOperator): Promise<TargetFaults> {
  const machines: TcpProxy[] = [];
  let central: TcpProxy | undefined;
  const closeAll = async (): Promise<void> => {
    await Promise.all([...machines, ...(central ? [central] : [])].map((p) => p.close()));
  };
  if (cfg.mode === 'proxy') {
    try {
      for (const p of cfg.cipherMachineProxies) {
        const l = split(p.listen);
        machines.push(await TcpProxy.start({ host: l.host, port: l.port, upstreams: [split(p.upstream)] }));
      }
      if (cfg.centralPrimaryProxy) {
        const l = split(cfg.centralPrimaryProxy.listen);
        central = await TcpProxy.start({
          host: l.host,
          port: l.port,
          upstreams: [split(cfg.centralPrimaryProxy.upstream)],
        });
      }
    } catch (e) {
      await closeAll();
      throw e instanceof CertifyError
        ? e
        : new CertifyError('CERTIFY_SETUP', 'cannot start the fault proxies', { cause: e });
    }
  }
  const names = (ps: TcpProxy[]): string => ps.map((p) => p.endpoint).join(', ');
  return {
    kind: cfg.mode,
    async cutCipherMachines() {
      if (machines.length === 0)
        return ask('Disconnect EVERY cipher machine (primary and standby) from the EHC system now.');
      await Promise.all(machines.map((p) => p.cut()));
      return `cipher-machine relays ${names(machines)} cut: connections reset, new connections refused`;
    },
    async restoreCipherMachines() {
      if (machines.length === 0) return ask('Reconnect every cipher machine now.');
      await Promise.all(machines.map((p) => p.restore()));
      return `cipher-machine relays ${names(machines)} relaying again`;
    },
    async stopCentralPrimary() {
      if (!central)
        return ask('Stop the PRIMARY application server of the EHC system now (load is running).');
      await central.cut();
      return `relay to the primary application server ${central.endpoint} cut`;
    },
    async restartCentralPrimary() {
      if (!central) return ask('Start the primary application server again.');
      await central.restore();
      return `relay to the primary application server ${central.endpoint} restored`;
    },
    async stopCipherMachinePrimary() {
      const p = machines[0];
      if (!p) return ask('Power off the PRIMARY cipher machine now (load is running).');
      await p.cut();
      return `relay to the primary cipher machine ${p.endpoint} cut`;
    },
    async restartCipherMachinePrimary() {
      const p = machines[0];
      if (!p) return ask('Power the primary cipher machine on again.');
      await p.restore();
      return `relay to the primary cipher machine ${p.endpoint} restored`;
    },
    close: closeAll,
  };
}
