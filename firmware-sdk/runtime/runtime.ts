import {
  type DeviceEnvelope,
  type DeviceInfoMessage,
  type DeviceMessage,
  PROTOCOL_VERSION,
} from '../../protocol/device/messages.js';
import type { DecodedSymbol, Hal } from '../hal/types.js';
import { type CommandContext, executeCommand } from './commands.js';
import { ConfigStore, configSchema } from './config.js';
import { HeartbeatTimer } from './heartbeat.js';
import { chunkImage } from './images.js';
import { RuntimeLink } from './link.js';
import {
  type ResolvedRuntimeOptions,
  type RuntimeIdentity,
  type RuntimeOptions,
  resolveRuntimeOptions,
} from './options.js';
import { ScanSender } from './scan-sender.js';
import { runSelfTest } from './self-test.js';
import { aimIdFor, scanReport } from './symbols.js';

export interface RuntimeStats {
  commands: number;
  scans: number;
  /** Symbols the decoder reported while scanning was inactive (ignored). */
  ignoredSymbols: number;
  acks: number;
  /** Acknowledgements for no queued scan (late or duplicate): harmless, counted. */
  staleAcks: number;
  heartbeats: number;
  /** Envelopes from the host this device does not act on (scans, replies, …). */
  unexpected: number;
}

/** A read-only view of the runtime for diagnostics and tests. */
export interface RuntimeState {
  readonly started: boolean;
  readonly linkUp: boolean;
  readonly bootId: number;
  readonly enabled: boolean;
  readonly triggerOn: boolean;
  readonly active: boolean;
  readonly pendingScans: number;
  readonly lostScans: number;
  readonly scansSent: number;
  readonly resends: number;
  readonly heartbeatIntervalMs: number;
  readonly config: Readonly<Record<string, string>>;
  readonly stats: Readonly<RuntimeStats>;
  readonly framesSent: number;
  readonly badFramesIn: number;
  readonly bytesSkippedIn: number;
}

const DEFAULT_CONFIG = {
  trigger_mode: 'presentation',
  beep_on_scan: 'true',
  charset: 'auto',
  aim_id: 'true',
};

/**
 * The device side of the native protocol, as a terminal's firmware embeds it. Hardware comes
 * through the HAL; the runtime answers every command with exactly one reply, reports scans with a
 * per-boot sequence number and the device time, keeps them in a bounded queue and re-sends them
 * (on a timer, on link-up and on Hello) until the host acknowledges them, sends heartbeats while
 * the link is up, and uploads images in chunks. Timers run on the HAL clock, only while the link
 * is up; `stop()` cancels them.
 */
export class DeviceRuntime {
  readonly identity: RuntimeIdentity;
  readonly options: ResolvedRuntimeOptions;
  readonly stats: RuntimeStats = {
    commands: 0,
    scans: 0,
    ignoredSymbols: 0,
    acks: 0,
    staleAcks: 0,
    heartbeats: 0,
    unexpected: 0,
  };
  readonly #hal: Hal;
  readonly #link: RuntimeLink;
  readonly #scans: ScanSender;
  readonly #heartbeat: HeartbeatTimer;
  #config: ConfigStore;
  #started = false;
  #bootId = 0;
  #bootMs = 0;
  #scanSeq = 0;
  #imageSeq = 0;
  #enabled = true;
  #trigger = false;
  #bootAnnounced = false;
  #requestedHeartbeatMs = 0;

  constructor(options: RuntimeOptions) {
    this.options = resolveRuntimeOptions(options);
    this.identity = { ...options.identity };
    this.#hal = options.hal;
    this.#link = new RuntimeLink(options.hal.transport, this.options.maxPayloadBytes);
    this.#scans = new ScanSender(this.#link, options.hal.clock, this.options.queueCapacity, () =>
      Number(this.#config.value('ack_timeout_ms')),
    );
    this.#heartbeat = new HeartbeatTimer(options.hal.clock, (intervalMs) => this.#beat(intervalMs));
    this.#config = this.#loadConfig();
  }

  get state(): RuntimeState {
    const d = this.#link.decodeStats;
    return {
      started: this.#started,
      linkUp: this.#link.up,
      bootId: this.#bootId,
      enabled: this.#enabled,
      triggerOn: this.#trigger,
      active: this.#active,
      pendingScans: this.#scans.queue.size,
      lostScans: this.#scans.queue.lost,
      scansSent: this.#scans.sent,
      resends: this.#scans.resends,
      heartbeatIntervalMs: this.#heartbeatMs,
      config: this.#config.snapshot(),
      stats: { ...this.stats },
      framesSent: this.#link.sent,
      badFramesIn: d.badFrames + d.badMessages + d.oversize + d.badVersion,
      bytesSkippedIn: d.bytesSkipped,
    };
  }

  /** Boots: new boot id, empty queue, settings from storage; opens the decoder and the link. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#bootId = this.#hal.system.random32() >>> 0 || 1;
    this.#bootMs = this.#hal.clock.nowMs();
    this.#scanSeq = 0;
    this.#scans.queue.clear();
    this.#enabled = this.options.enabledAtBoot;
    this.#trigger = false;
    this.#bootAnnounced = false;
    this.#requestedHeartbeatMs = 0;
    this.#config = this.#loadConfig();
    this.#hal.decoder.open((symbol) => this.#onSymbol(symbol));
    this.#hal.decoder.setActive(this.#active);
    this.#hal.transport.open({
      data: (bytes) => this.#onData(bytes),
      up: () => this.#onLink(true),
      down: () => this.#onLink(false),
    });
  }

  /** Powers down: closes the link and the decoder, cancels every timer. Queued scans are lost. */
  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#stopTimers();
    this.#link.setUp(false);
    this.#hal.transport.close();
    this.#hal.decoder.close();
  }

  /** Reports a symbol decoded by other means than the HAL decoder (e.g. a second imager). */
  reportSymbol(symbol: DecodedSymbol): void {
    this.#onSymbol(symbol);
  }

  get #active(): boolean {
    return this.#started && this.#enabled && (this.#config.value('trigger_mode') !== 'host' || this.#trigger);
  }

  get #heartbeatMs(): number {
    return this.#requestedHeartbeatMs || Number(this.#config.value('heartbeat_interval_ms'));
  }

  #loadConfig(): ConfigStore {
    const o = this.options;
    const defaults = {
      ...DEFAULT_CONFIG,
      heartbeat_interval_ms: String(o.heartbeatIntervalMs),
      ack_timeout_ms: String(o.ackTimeoutMs),
    };
    return new ConfigStore(configSchema(o), defaults, this.#hal.storage);
  }

  #deviceInfo(replyTo: number): DeviceInfoMessage {
    return {
      replyTo,
      protocolVersion: PROTOCOL_VERSION,
      ...this.identity,
      bootId: this.#bootId,
      heartbeatIntervalMs: this.#heartbeatMs,
      ackTimeoutMs: Number(this.#config.value('ack_timeout_ms')),
      maxFrameBytes: this.options.maxPayloadBytes,
      capabilities: this.options.capabilities,
    };
  }

  #send(body: DeviceMessage): boolean {
    return this.#link.send(body) !== undefined;
  }

  #onLink(up: boolean): void {
    if (!this.#started) return;
    this.#stopTimers();
    this.#link.setUp(up);
    this.#requestedHeartbeatMs = 0;
    if (!up) return;
    this.#send({ case: 'deviceInfo', value: this.#deviceInfo(0) });
    if (!this.#bootAnnounced) {
      this.#bootAnnounced = true;
      this.#send({
        case: 'event',
        value: { kind: 'boot', message: 'booted', lostScans: this.#scans.queue.lost },
      });
    }
    this.#scans.resendAll();
    this.#heartbeat.start(this.#heartbeatMs);
  }

  #onData(bytes: Uint8Array): void {
    if (!this.#started) return;
    for (const env of this.#link.receive(bytes)) this.#handle(env);
  }

  #handle(env: DeviceEnvelope): void {
    const b = env.body;
    switch (b.case) {
      case 'hello': {
        const want = b.value.heartbeatIntervalMs;
        const o = this.options;
        this.#requestedHeartbeatMs =
          want === 0 ? 0 : Math.min(Math.max(want, o.minHeartbeatIntervalMs), o.maxHeartbeatIntervalMs);
        this.#send({ case: 'deviceInfo', value: this.#deviceInfo(env.seq) });
        this.#scans.resendAll();
        this.#heartbeat.start(this.#heartbeatMs);
        return;
      }
      case 'command':
        this.stats.commands++;
        void executeCommand(b.value, this.#commandContext()).then((outcome) => {
          if (!this.#started) return;
          this.#send({ case: 'reply', value: { replyTo: env.seq, ...outcome.reply } });
          outcome.after?.();
        });
        return;
      case 'scanAck':
        if (this.#scans.ack(b.value.scanSeq, b.value.bootId)) this.stats.acks++;
        else this.stats.staleAcks++;
        return;
      case 'heartbeat':
        return;
      default:
        this.stats.unexpected++;
    }
  }

  #commandContext(): CommandContext {
    const hal = this.#hal;
    return {
      capabilities: this.options.capabilities,
      config: this.#config,
      enabled: this.#enabled,
      setEnabled: (on) => this.#setScanning(on, this.#trigger),
      setTrigger: (on) => this.#setScanning(this.#enabled, on),
      beep: (kind, count) => hal.beeper.beep(kind, count),
      led: (kind, ms) => hal.led.set(kind, ms),
      configChanged: (keys) => {
        if (keys.includes('heartbeat_interval_ms') && this.#link.up) this.#heartbeat.start(this.#heartbeatMs);
        if (keys.includes('ack_timeout_ms')) this.#scans.schedule();
        if (keys.includes('trigger_mode')) hal.decoder.setActive(this.#active);
      },
      selfTest: () => runSelfTest(hal, this.#link),
      captureImage: async () => {
        const image = await hal.decoder.capture();
        if (!image) return 'no image available';
        this.#imageSeq = (this.#imageSeq + 1) >>> 0 || 1;
        const imageId = this.#imageSeq;
        const upload = () => {
          for (const value of chunkImage(image, imageId, this.options.imageChunkBytes)) {
            this.#send({ case: 'imageChunk', value });
          }
        };
        return { imageId, upload };
      },
      testScan: (payload, symbology) => this.#report({ payload, symbology, aimId: aimIdFor(symbology) }),
      reboot: () => hal.system.reboot(),
    };
  }

  #setScanning(enabled: boolean, trigger: boolean): void {
    this.#enabled = enabled;
    this.#trigger = trigger;
    this.#hal.decoder.setActive(this.#active);
  }

  #onSymbol(symbol: DecodedSymbol): void {
    if (!this.#active) {
      this.stats.ignoredSymbols++;
      return;
    }
    this.#report(symbol);
  }

  #report(symbol: DecodedSymbol): void {
    this.stats.scans++;
    this.#scanSeq = (this.#scanSeq + 1) >>> 0 || 1;
    const deviceTimeUs = (this.#hal.clock.nowMs() - this.#bootMs) * 1000;
    const scan = scanReport(symbol, this.#scanSeq, this.#bootId, deviceTimeUs, {
      charset: this.#config.value('charset'),
      aimId: this.#config.value('aim_id') === 'true',
    });
    if (this.#config.value('beep_on_scan') === 'true') this.#hal.beeper.beep('good', 1);
    if (this.#scans.report(scan)) {
      const lostScans = this.#scans.queue.lost;
      this.#send({
        case: 'event',
        value: { kind: 'queue-overflow', message: 'oldest scan dropped', lostScans },
      });
    }
  }

  #beat(intervalMs: number): void {
    const uptimeMs = Math.floor(this.#hal.clock.nowMs() - this.#bootMs);
    const value = { uptimeMs, pendingScans: this.#scans.queue.size, intervalMs };
    if (this.#send({ case: 'heartbeat', value })) this.stats.heartbeats++;
  }

  #stopTimers(): void {
    this.#heartbeat.stop();
    this.#scans.stop();
  }
}
