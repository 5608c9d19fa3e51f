import { EhcError } from '../protocol/errors.js';
import type { LabCentral } from './central.js';
import type { LabCipherMachines } from './cipher-machines.js';
import type { LabFaultName } from './spec.js';

/**
 * The lab's fault injector: the named faults its spec allows, produced for real — links cut at
 * the lab's relays, instances and machines stopped (servers closed, connections destroyed) and
 * started again on the same ports. `inject` and `clear` resolve once the fault is in place (or
 * gone) with a sentence saying what was done, for evidence.
 */
export class LabFaults {
  private readonly active = new Set<LabFaultName>();

  constructor(
    readonly allowed: readonly LabFaultName[],
    private readonly machines: LabCipherMachines | undefined,
    private readonly central: LabCentral | undefined,
  ) {
    for (const f of allowed) this.needs(f);
  }

  /** Faults in place now. */
  get injected(): readonly LabFaultName[] {
    return [...this.active];
  }

  private needs(f: LabFaultName): void {
    const missing =
      f === 'cipher-machine-links'
        ? (this.machines?.proxies.length ?? 0) === 0 && 'cipher machines with links (hsm.links)'
        : f === 'cipher-machine-primary'
          ? !this.machines && 'a cipher machine'
          : f === 'central-primary'
            ? !this.central && 'a central service'
            : !this.central?.lb && 'a central relay (central.instances: 2 or central.relay)';
    if (missing) throw new EhcError('LAB_CONFIG', `fault ${f} needs ${missing}`);
  }

  private check(f: LabFaultName): void {
    if (!this.allowed.includes(f)) throw new EhcError('LAB_CONFIG', `fault ${f} is not in the lab spec`);
  }

  /** Puts fault `f` in place (`central-latency`: `ms` per reply, default 1000). */
  async inject(f: LabFaultName, ms = 1000): Promise<string> {
    this.check(f);
    this.active.add(f);
    const m = this.machines;
    const c = this.central;
    switch (f) {
      case 'cipher-machine-links': {
        await Promise.all(m!.proxies.map((p) => p.cut()));
        const both = m!.proxies.length > 1 ? 'both cipher-machine links' : 'the cipher-machine link';
        return `${both} (${this.links()}) cut: open connections reset, new connections refused`;
      }
      case 'cipher-machine-primary':
        await m!.stop(0);
        return `primary cipher machine 127.0.0.1:${m!.ports[0]} powered off (listener closed, connections destroyed)`;
      case 'central-primary':
        await c!.stop(0);
        return `primary central instance ${c!.origin(0)} stopped (server closed, connections destroyed, its database handle closed)`;
      case 'central-latency':
        c!.lb!.latencyMs = ms;
        return `every central reply delayed by ${ms} ms at the load balancer`;
    }
  }

  /** Removes fault `f` (idempotent). */
  async clear(f: LabFaultName): Promise<string> {
    this.check(f);
    this.active.delete(f);
    const m = this.machines;
    const c = this.central;
    switch (f) {
      case 'cipher-machine-links': {
        await Promise.all(m!.proxies.map((p) => p.restore()));
        const both = m!.proxies.length > 1 ? 'both cipher-machine links' : 'the cipher-machine link';
        return `${both} (${this.links()}) relaying again`;
      }
      case 'cipher-machine-primary':
        await m!.restart(0);
        return `primary cipher machine 127.0.0.1:${m!.ports[0]} powered on again (same port, same keys)`;
      case 'central-primary':
        await c!.restart(0);
        return `primary central instance ${c!.origin(0)} started again on the same port and database`;
      case 'central-latency':
        c!.lb!.latencyMs = 0;
        return 'central replies no longer delayed';
    }
  }

  private links(): string {
    return (this.machines?.proxies ?? []).map((p) => p.endpoint).join(' and ');
  }
}
