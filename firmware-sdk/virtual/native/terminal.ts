import { callbackSystem, MemoryStorage, nodeClock } from '../../hal/memory.js';
import type { HalClock, HalImage, HalStorage } from '../../hal/types.js';
import { FirmwareError } from '../../runtime/errors.js';
import type { RuntimeIdentity, RuntimeOptions } from '../../runtime/options.js';
import { DeviceRuntime } from '../../runtime/runtime.js';
import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../types.js';
import {
  EngineTransport,
  passThroughDecoder,
  RecordingFeedback,
  type SymbolDecoder,
  syntheticFrame,
  VirtualDecoder,
} from './hal.js';

export const DEFAULT_TERMINAL_IDENTITY: RuntimeIdentity = {
  vendor: 'EHC Virtual',
  model: 'VT-1',
  firmwareVersion: '1.0.0',
  serial: 'VT0000001',
  certifiedModelId: 'EHC-VT-1',
};

export interface NativeTerminalOptions {
  readonly identity?: Partial<RuntimeIdentity>;
  /** USB ids the terminal reports to discovery. */
  readonly vid?: number;
  readonly pid?: number;
  /** Runtime tuning (heartbeat, ack timeout, queue size, frame size, capabilities). */
  readonly runtime?: Omit<RuntimeOptions, 'hal' | 'identity'>;
  /** How a shown symbol becomes a decoded one; default pass-through. */
  readonly decoder?: SymbolDecoder;
  /** The camera frame `capture_image` uploads; default a synthetic 96×96 grey frame. */
  readonly captureImage?: (lastPayload: Uint8Array | undefined) => HalImage | undefined;
  readonly clock?: HalClock;
  readonly storage?: HalStorage;
  /** Time the virtual reboot takes; default 50 ms. */
  readonly rebootDelayMs?: number;
}

/**
 * The native virtual terminal: the firmware runtime on a virtual HAL, as a `DeviceEngine`, so the
 * harness can put it behind a serial binding, TCP or a pty. `scan()` shows a symbol to its
 * (virtual) camera. Call `dispose()` when done: it powers the runtime down and cancels timers.
 */
export class NativeTerminal implements DeviceEngine {
  readonly protocol = 'native';
  readonly identity: VirtualDeviceIdentity;
  readonly runtime: DeviceRuntime;
  readonly feedback = new RecordingFeedback();
  readonly storage: HalStorage;
  readonly #transport = new EngineTransport();
  readonly #decoder: VirtualDecoder;
  readonly #clock: HalClock;
  readonly #rebootDelayMs: number;
  #cancelReboot: (() => void) | undefined;
  #reboots = 0;

  constructor(options: NativeTerminalOptions = {}) {
    const id = { ...DEFAULT_TERMINAL_IDENTITY, ...options.identity };
    this.identity = {
      vendor: id.vendor,
      model: id.model,
      firmware: id.firmwareVersion,
      serial: id.serial,
      ...(options.vid !== undefined ? { vid: options.vid } : {}),
      ...(options.pid !== undefined ? { pid: options.pid } : {}),
    };
    this.#rebootDelayMs = options.rebootDelayMs ?? 50;
    if (!Number.isInteger(this.#rebootDelayMs) || this.#rebootDelayMs < 0) {
      throw new FirmwareError('FIRMWARE_BAD_OPTION', '"rebootDelayMs" must be a non-negative integer');
    }
    this.#clock = options.clock ?? nodeClock;
    this.storage = options.storage ?? new MemoryStorage();
    this.#decoder = new VirtualDecoder(
      options.decoder ?? passThroughDecoder,
      options.captureImage ?? syntheticFrame,
    );
    this.runtime = new DeviceRuntime({
      ...options.runtime,
      identity: id,
      hal: {
        transport: this.#transport,
        decoder: this.#decoder,
        beeper: this.feedback,
        led: this.feedback,
        clock: this.#clock,
        storage: this.storage,
        system: callbackSystem(() => this.#reboot()),
      },
    });
    this.runtime.start();
  }

  get state(): Readonly<Record<string, unknown>> {
    return {
      ...this.runtime.state,
      beeps: this.feedback.beeps.length,
      lastBeep: this.feedback.beeps.at(-1),
      led: this.feedback.led,
      reboots: this.#reboots,
      decodeFailures: this.#decoder.failures,
    };
  }

  attach(sink: DeviceSink | undefined): void {
    this.#transport.attach(sink);
  }

  receive(data: Uint8Array): void {
    this.#transport.receive(data);
  }

  scan(request: ScanRequest): void {
    this.#decoder.present(request);
  }

  /** Powers the terminal off for good. */
  dispose(): void {
    this.#cancelReboot?.();
    this.#cancelReboot = undefined;
    this.runtime.stop();
  }

  #reboot(): void {
    this.#cancelReboot?.();
    this.runtime.stop();
    this.#cancelReboot = this.#clock.setTimer(this.#rebootDelayMs, () => {
      this.#cancelReboot = undefined;
      this.#reboots++;
      this.runtime.start();
    });
  }
}
