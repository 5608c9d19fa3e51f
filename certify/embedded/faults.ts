import { errorCodeOf, requestJson } from '../../clients/central/https-fetch.js';
import type { CentralAccess, FaultControl } from '../context.js';
import { CertifyError } from '../errors.js';
import type { CentralCluster } from './central-cluster.js';
import type { EmbeddedMachines } from './machines.js';

/**
 * Faults in the embedded system, produced for real: links cut at certification's proxies,
 * instances and machines stopped (servers closed, connections destroyed) and started again on
 * the same ports.
 */
export function embeddedFaults(machines: EmbeddedMachines, cluster: CentralCluster): FaultControl {
  const links = (): string => machines.proxies.map((p) => p.endpoint).join(' and ');
  return {
    kind: 'embedded',
    async cutCipherMachines() {
      await Promise.all(machines.proxies.map((p) => p.cut()));
      return `both cipher-machine links (${links()}) cut: open connections reset, new connections refused`;
    },
    async restoreCipherMachines() {
      await Promise.all(machines.proxies.map((p) => p.restore()));
      return `both cipher-machine links (${links()}) relaying again`;
    },
    async stopCentralPrimary() {
      await cluster.stop(0);
      return `primary central instance ${cluster.origin(0)} stopped (server closed, connections destroyed, its database handle closed)`;
    },
    async restartCentralPrimary() {
      await cluster.restart(0);
      return `primary central instance ${cluster.origin(0)} started again on the same port and database`;
    },
    async stopCipherMachinePrimary() {
      await machines.stop(0);
      return `primary cipher machine 127.0.0.1:${machines.ports[0]} powered off (listener closed, connections destroyed)`;
    },
    async restartCipherMachinePrimary() {
      await machines.restart(0);
      return `primary cipher machine 127.0.0.1:${machines.ports[0]} powered on again (same port, same keys)`;
    },
  };
}

/** Backup and restore through the central service's admin routes (bearer token, loopback only). */
export function embeddedBackup(
  cluster: CentralCluster,
  token: string,
  f: typeof fetch,
): NonNullable<CentralAccess['backup']> {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await requestJson(f, method, `${cluster.liveOrigin()}${path}`, body, token);
    if (r.status !== 200) {
      throw new CertifyError(
        'CERTIFY_PROBE',
        `central admin ${path}: HTTP ${r.status} ${errorCodeOf(r) ?? ''}`.trim(),
      );
    }
    return r.json;
  };
  return {
    backup: async () =>
      String((await call('POST', '/admin/backup', { name: `certify-${Date.now()}.db` })).name),
    restore: async (name) => {
      await call('POST', '/admin/restore', { name });
    },
    counts: async () => (await call('GET', '/admin/stats')).counts as Record<string, number>,
  };
}
