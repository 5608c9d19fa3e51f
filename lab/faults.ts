import { EhcError } from '../protocol/errors.js';
import type { LabCentral } from './central.js';
import type { LabCipherMachines } from './cipher-machines.js';
import type { MovableClock } from './clock.js';
import type { LabFaultName, LabFaultOptions } from './spec.js';
import type { LabAgent } from './start.js';
import type { LabTerminalHandle } from './terminals.js';

/** The pieces of a lab the faults act on. */
export interface LabFaultTargets {
  readonly machines: LabCipherMachines | undefined;
  readonly central: LabCentral | undefined;
  readonly terminals?: ReadonlyMap<string, LabTerminalHandle>;
  readonly agents?: ReadonlyMap<string, LabAgent>;
  readonly clock?: MovableClock;
}

/** SQLite's largest `max_page_count` (what "no limit" is set back to). */
const NO_PAGE_LIMIT = 4294967294;

/**
 * The lab's fault injector: the named faults its spec allows, produced for real — links cut at
 * the lab's relays, instances and machines stopped (servers closed, connections destroyed) or
 * killed (SIGKILL of their process) and started again on the same ports, relays that stop
 * reading, virtual cables pulled, the agent database full, the clock moved. `inject` and `clear`
 * resolve once the fault is in place (or gone) with a sentence saying what was done, for evidence.
 */
export class LabFaults {
  private readonly active = new Set<LabFaultName>();
  /** What `scanner-unplug` / `outbox-disk-full` acted on, to undo exactly that. */
  private unplugged: LabTerminalHandle[] = [];
  private filled: { agent: LabAgent; before: number }[] = [];

  constructor(
    readonly allowed: readonly LabFaultName[],
    private readonly t: LabFaultTargets,
  ) {
    for (const f of allowed) this.needs(f);
  }

  /** Faults in place now. */
  get injected(): readonly LabFaultName[] {
    return [...this.active];
  }

  private needs(f: LabFaultName): void {
    const { machines, central } = this.t;
    let missing: string | false = false;
    switch (f) {
      case 'cipher-machine-links':
      case 'cipher-machine-link-half-open':
        missing = (machines?.proxies.length ?? 0) === 0 && 'cipher machines with links (hsm.links)';
        break;
      case 'cipher-machine-primary':
        missing = !machines && 'a cipher machine';
        break;
      case 'cipher-machine-kill':
        missing = machines?.processes[0] === undefined && 'cipher machines as processes (hsm.process)';
        break;
      case 'central-primary':
        missing = !central && 'a central service';
        break;
      case 'central-latency':
        missing = !central?.lb && 'a central relay (central.instances: 2 or central.relay)';
        break;
      case 'scanner-unplug':
        missing = (this.t.terminals?.size ?? 0) === 0 && 'terminals';
        break;
      case 'outbox-disk-full':
        missing = (this.t.agents?.size ?? 0) === 0 && 'an agent';
        break;
      case 'clock-jump':
        missing = !this.t.clock?.movable && "a movable clock (clock: 'movable')";
        break;
    }
    if (missing) throw new EhcError('LAB_CONFIG', `fault ${f} needs ${missing}`);
  }

  private check(f: LabFaultName): void {
    if (!this.allowed.includes(f)) throw new EhcError('LAB_CONFIG', `fault ${f} is not in the lab spec`);
  }

  /**
   * Puts fault `f` in place. A number is `ms` (`central-latency`: per reply, default 1000;
   * `clock-jump`: the jump, default +1 h).
   */
  async inject(f: LabFaultName, o: number | LabFaultOptions = {}): Promise<string> {
    const opts: LabFaultOptions = typeof o === 'number' ? { ms: o } : o;
    this.check(f);
    this.active.add(f);
    const m = this.t.machines;
    const c = this.t.central;
    switch (f) {
      case 'cipher-machine-links': {
        await Promise.all(m!.proxies.map((p) => p.cut()));
        return `${this.both()} (${this.links()}) cut: open connections reset, new connections refused`;
      }
      case 'cipher-machine-link-half-open': {
        for (const p of m!.proxies) p.halfOpen();
        return `${this.both()} (${this.links()}) half-open: sockets kept open, nothing read or forwarded, new connections left hanging`;
      }
      case 'cipher-machine-primary':
        await m!.stop(0);
        return `primary cipher machine 127.0.0.1:${m!.ports[0]} powered off (listener closed, connections destroyed)`;
      case 'cipher-machine-kill': {
        const pid = m!.processes[0]?.pid;
        await m!.kill(0);
        return `primary cipher machine process ${pid ?? '(already gone)'} killed with SIGKILL and reaped`;
      }
      case 'central-primary':
        await c!.stop(0);
        return `primary central instance ${c!.origin(0)} stopped (server closed, connections destroyed, its database handle closed)`;
      case 'central-latency': {
        const ms = opts.ms ?? 1000;
        c!.lb!.latencyMs = ms;
        return `every central reply delayed by ${ms} ms at the load balancer`;
      }
      case 'scanner-unplug': {
        const list = this.pick(this.t.terminals!, opts.target, 'terminal');
        for (const t of list) t.device.link.unplug();
        this.unplugged.push(...list);
        return `${list.map((t) => t.config.id).join(', ')} unplugged (connection reset, reconnects refused)`;
      }
      case 'outbox-disk-full': {
        const list = this.pick(this.t.agents!, opts.target, 'agent');
        const done: string[] = [];
        for (const a of list) {
          const db = a.agent.db;
          const before = Number(db.pragma('max_page_count', { simple: true }));
          const pages = Number(db.pragma('page_count', { simple: true }));
          db.pragma(`max_page_count = ${pages}`);
          this.filled.push({ agent: a, before });
          done.push(`${a.name} (${pages} pages)`);
        }
        return `agent database of ${done.join(', ')} full: max_page_count pinned to its size, a write needing a new page fails with SQLITE_FULL`;
      }
      case 'clock-jump': {
        const ms = opts.ms ?? 3_600_000;
        this.t.clock!.advance(ms);
        return `lab clock jumped ${ms >= 0 ? 'forward' : 'back'} by ${Math.abs(ms)} ms (offset now ${this.t.clock!.offsetMs} ms)`;
      }
    }
  }

  /** Removes fault `f` (idempotent). */
  async clear(f: LabFaultName): Promise<string> {
    this.check(f);
    this.active.delete(f);
    const m = this.t.machines;
    const c = this.t.central;
    switch (f) {
      case 'cipher-machine-links': {
        await Promise.all(m!.proxies.map((p) => p.restore()));
        return `${this.both()} (${this.links()}) relaying again`;
      }
      case 'cipher-machine-link-half-open': {
        for (const p of m!.proxies) p.resume();
        return `${this.both()} (${this.links()}) reading and forwarding again`;
      }
      case 'cipher-machine-primary':
        await m!.restart(0);
        return `primary cipher machine 127.0.0.1:${m!.ports[0]} powered on again (same port, same keys)`;
      case 'cipher-machine-kill':
        await m!.restart(0);
        return `primary cipher machine restarted as process ${m!.processes[0]?.pid} (same port, same key file), listening`;
      case 'central-primary':
        await c!.restart(0);
        return `primary central instance ${c!.origin(0)} started again on the same port and database`;
      case 'central-latency':
        c!.lb!.latencyMs = 0;
        return 'central replies no longer delayed';
      case 'scanner-unplug': {
        const list = this.unplugged.splice(0);
        for (const t of list) t.device.link.replug();
        return list.length === 0
          ? 'no terminal was unplugged'
          : `${list.map((t) => t.config.id).join(', ')} replugged`;
      }
      case 'outbox-disk-full': {
        const list = this.filled.splice(0);
        for (const { agent, before } of list)
          agent.agent.db.pragma(`max_page_count = ${before || NO_PAGE_LIMIT}`);
        return list.length === 0
          ? 'no agent database was full'
          : `agent database of ${list.map((x) => x.agent.name).join(', ')} may grow again`;
      }
      case 'clock-jump':
        this.t.clock!.reset();
        return 'lab clock set back to real time (offset 0)';
    }
  }

  private pick<T>(all: ReadonlyMap<string, T>, target: string | undefined, what: string): T[] {
    if (target === undefined) return [...all.values()];
    const one = all.get(target);
    if (!one) throw new EhcError('LAB_CONFIG', `no ${what} ${target}`);
    return [one];
  }

  private both(): string {
    return (this.t.machines?.proxies.length ?? 0) > 1
      ? 'both cipher-machine links'
      : 'the cipher-machine link';
  }

  private links(): string {
    return (this.t.machines?.proxies ?? []).map((p) => p.endpoint).join(' and ');
  }
}
