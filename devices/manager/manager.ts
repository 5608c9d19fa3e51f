/**
 * `DeviceManager`: finds scanners and keeps them connected. Discovery runs at start, every
 * `pollIntervalMs`, and shortly after a `usb` attach/detach event; each usable device gets one
 * `ScannerSession` (id = its stable device key), a driver from its profile or by probing, and a
 * `Reconnector` with back-off. A device whose port vanished from listings without reporting it
 * (Windows serial, B2 in the research notes) is disconnected after `missingListingsBeforeDrop`
 * listings. Keyboard-mode scanners are announced with an explanation. Everything is injected.
 */
import { EventEmitter } from 'node:events';
import { type EhcError, toEhcError } from '../../protocol/errors.js';
import type { KeyboardModeNotice } from '../drivers/keyboard/index.js';
import type { DriverOptions, DriverRegistry } from '../drivers/registry.js';
import { probeDriver } from '../session/probe.js';
import { type BackoffOptions, backoffDelays, Reconnector } from '../session/reconnect.js';
import { ScannerSession } from '../session/session.js';
import { type Clock, systemClock } from '../transports/clock.js';
import { DeviceError } from '../transports/errors.js';
import type { DriverName, Transport } from '../types.js';
import type { DiscoveredDevice } from './dedupe.js';
import { type DiscoveryError, type DiscoveryOptions, type DiscoveryResult, discover } from './discovery.js';
import type { DeviceListers, HotplugSource } from './listers.js';

export interface DeviceManagerOptions {
  readonly listers: DeviceListers;
  readonly registry: DriverRegistry;
  /** Creates the (unopened) transport for a device's chosen interface. */
  readonly openTransport: (device: DiscoveredDevice) => Transport;
  readonly hotplug?: HotplugSource;
  readonly clock?: Clock;
  /** Defaults to 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Re-list this long after a hot-plug event (events come in bursts); defaults to 250 ms. */
  readonly hotplugDebounceMs?: number;
  /** Per-driver probe limit; defaults to 1500 ms. */
  readonly probeTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly discovery?: DiscoveryOptions;
  /** Driver settings per device (e.g. raw terminator from configuration). */
  readonly driverSettings?: (device: DiscoveredDevice) => Readonly<Record<string, unknown>> | undefined;
  /** Defaults to 2. */
  readonly missingListingsBeforeDrop?: number;
  readonly queueLimit?: number;
}

export interface DeviceManagerEvents {
  /** A new scanner is connected (opened, not yet claimed). */
  scanner: [session: ScannerSession, device: DiscoveredDevice];
  keyboard: [notice: KeyboardModeNotice];
  'open-failed': [device: DiscoveredDevice, error: EhcError];
  'list-failed': [error: DiscoveryError];
}

interface Entry {
  device: DiscoveredDevice;
  present: boolean;
  missing: number;
  opening: boolean;
  failures: number;
  retryAtNs: bigint;
  session?: ScannerSession;
  reconnector?: Reconnector;
}

export class DeviceManager extends EventEmitter<DeviceManagerEvents> {
  readonly #o: DeviceManagerOptions;
  readonly #clock: Clock;
  readonly #delay: (attempt: number) => number;
  readonly #entries = new Map<string, Entry>();
  readonly #keyboards = new Set<string>();
  readonly #listErrors = new Set<string>();
  readonly #opens = new Set<Promise<void>>();
  #running = false;
  #reconciling: Promise<void> | undefined;
  #again = false;
  #cancelPoll: (() => void) | undefined;
  #cancelDebounce: (() => void) | undefined;
  #last: DiscoveryResult | undefined;
  readonly #onHotplug = () => {
    if (!this.#running) return;
    this.#cancelDebounce?.();
    this.#cancelDebounce = this.#clock.setTimer(this.#o.hotplugDebounceMs ?? 250, () => {
      this.#cancelDebounce = undefined;
      void this.#reconcile();
    });
  };

  constructor(options: DeviceManagerOptions) {
    super();
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#delay = backoffDelays(options.backoff);
  }

  /** The last discovery pass (devices, lister errors). */
  get lastDiscovery(): DiscoveryResult | undefined {
    return this.#last;
  }

  scanners(): ScannerSession[] {
    return [...this.#entries.values()].flatMap((e) => (e.session ? [e.session] : []));
  }

  scanner(id: string): ScannerSession | undefined {
    return this.#entries.get(id)?.session;
  }

  /** One discovery pass without opening anything (`ehc devices`). */
  discover(): Promise<DiscoveryResult> {
    return discover(this.#o.listers, this.#o.discovery);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#o.hotplug?.on('attach', this.#onHotplug);
    this.#o.hotplug?.on('detach', this.#onHotplug);
    await this.#reconcile();
    this.#schedulePoll();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelPoll?.();
    this.#cancelDebounce?.();
    this.#o.hotplug?.removeListener('attach', this.#onHotplug);
    this.#o.hotplug?.removeListener('detach', this.#onHotplug);
    await this.#reconciling;
    await Promise.all(this.#opens);
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of entries) e.reconnector?.stop();
    await Promise.all(entries.map((e) => e.session?.close()));
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#cancelPoll = this.#clock.setTimer(this.#o.pollIntervalMs ?? 2000, () => {
      this.#cancelPoll = undefined;
      void this.#reconcile().finally(() => this.#schedulePoll());
    });
  }

  #reconcile(): Promise<void> {
    if (this.#reconciling) {
      this.#again = true;
      return this.#reconciling;
    }
    this.#reconciling = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && this.#running);
    })().finally(() => {
      this.#reconciling = undefined;
    });
    return this.#reconciling;
  }

  async #pass(): Promise<void> {
    const result = await this.discover();
    if (!this.#running) return;
    this.#last = result;
    this.#reportListErrors(result);
    const seen = new Set<string>();
    for (const d of result.devices) {
      seen.add(d.id);
      if (d.keyboard && !this.#keyboards.has(d.id)) {
        this.#keyboards.add(d.id);
        this.emit('keyboard', d.keyboard);
      }
      if (!d.usable) continue;
      let entry = this.#entries.get(d.id);
      if (!entry) {
        entry = { device: d, present: true, missing: 0, opening: false, failures: 0, retryAtNs: 0n };
        this.#entries.set(d.id, entry);
      }
      const reappeared = !entry.present;
      Object.assign(entry, { device: d, present: true, missing: 0 });
      if (entry.session) {
        if (reappeared) entry.reconnector?.poke();
      } else if (!entry.opening && this.#clock.nowNs() >= entry.retryAtNs) {
        this.#track(this.#openNew(entry));
      }
    }
    const drop = this.#o.missingListingsBeforeDrop ?? 2;
    for (const entry of this.#entries.values()) {
      if (seen.has(entry.device.id) || !result.listed.includes(entry.device.transport)) continue;
      entry.present = false;
      entry.missing++;
      if (entry.session?.connected && entry.missing >= drop) void entry.session.disconnect();
    }
  }

  #reportListErrors(result: DiscoveryResult): void {
    for (const source of result.listed) {
      for (const k of [...this.#listErrors]) if (k.startsWith(`${source}:`)) this.#listErrors.delete(k);
    }
    for (const e of result.errors) {
      const key = `${e.source}:${e.error.code}:${e.error.message}`;
      if (this.#listErrors.has(key)) continue;
      this.#listErrors.add(key);
      this.emit('list-failed', e);
    }
  }

  #track(p: Promise<void>): void {
    this.#opens.add(p);
    void p.finally(() => this.#opens.delete(p));
  }

  #driverOptions(d: DiscoveredDevice): DriverOptions {
    const settings = this.#o.driverSettings?.(d);
    return { identity: d.identity, transportKind: d.transport, ...(settings ? { settings } : {}) };
  }

  async #openNew(entry: Entry): Promise<void> {
    entry.opening = true;
    const d = entry.device;
    const reg = this.#o.registry;
    let transport: Transport | undefined;
    try {
      const candidates = d.probe.filter((n) => reg.has(n));
      if (candidates.length === 0) {
        throw new DeviceError(
          'DRIVER_UNKNOWN',
          `no driver for ${d.id} in this build (wanted ${d.probe.join(', ')})`,
        );
      }
      transport = this.#o.openTransport(d);
      let name: DriverName = candidates[0]!;
      if (candidates.length > 1) {
        const probed = await probeDriver(transport, {
          registry: reg,
          candidates,
          driverOptions: this.#driverOptions(d),
          clock: this.#clock,
          ...(this.#o.probeTimeoutMs ? { timeoutMs: this.#o.probeTimeoutMs } : {}),
        });
        name = probed.driverName;
      }
      const session = new ScannerSession({
        id: d.id,
        driverName: name,
        identity: d.identity,
        clock: this.#clock,
        createDriver: () => reg.create(name, this.#driverOptions(entry.device)),
        ...(this.#o.queueLimit ? { queueLimit: this.#o.queueLimit } : {}),
      });
      await session.connect(transport);
      if (!this.#running) {
        await session.close();
        return;
      }
      entry.session = session;
      entry.failures = 0;
      const rc = new Reconnector(session, () => this.#reopen(entry), {
        clock: this.#clock,
        ...(this.#o.backoff ? { backoff: this.#o.backoff } : {}),
      });
      entry.reconnector = rc;
      rc.start();
      this.emit('scanner', session, d);
    } catch (e) {
      await transport?.close().catch(() => undefined);
      entry.retryAtNs = this.#clock.nowNs() + BigInt(this.#delay(entry.failures)) * 1_000_000n;
      entry.failures++;
      this.emit('open-failed', d, toEhcError(e, 'DEVICE_NO_ANSWER', `opening ${d.id} failed`));
    } finally {
      entry.opening = false;
    }
  }

  #reopen(entry: Entry): Transport {
    if (!entry.present) {
      throw new DeviceError('DEVICE_DISCONNECTED', `${entry.device.id} is not attached`);
    }
    return this.#o.openTransport(entry.device);
  }
}
