import { HarnessError } from '../../harness/errors.js';
import type { DeviceEngine, DeviceSink, ScanRequest, VirtualDeviceIdentity } from '../../types.js';

/** AIM prefixes (ISO/IEC 15424) a raw-text scanner adds when "transmit AIM ID" is on. */
const AIM_PREFIX: Readonly<Record<NonNullable<ScanRequest['symbology']>, string>> = {
  qr_code: ']Q1',
  data_matrix: ']d1',
  code_128: ']C0',
  pdf417: ']L0',
};

export interface RawEngineOptions {
  readonly identity?: Partial<VirtualDeviceIdentity>;
  /** Appended to every payload; default CR. Empty: none (the host frames by silence). */
  readonly terminator?: Uint8Array | string;
  /** `true`: the symbology's AIM prefix (`]Q1` for QR); a string: that literal prefix; default none. */
  readonly aim?: boolean | string;
  /** Whether the scanner reports scans (a raw scanner has no enable command); default true. */
  readonly enabled?: boolean;
}

const bytesOf = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

/**
 * The simplest scanner: each symbol goes out as `[AIM prefix] payload terminator`, nothing else.
 * It takes no commands (what the host writes is only counted) and keeps no queue: a symbol shown
 * while no host is connected is lost, as with real raw-text scanners.
 */
export class RawEngine implements DeviceEngine {
  readonly protocol = 'raw';
  readonly identity: VirtualDeviceIdentity;
  readonly #terminator: Uint8Array;
  readonly #aim: boolean | string;
  #sink: DeviceSink | undefined;
  #enabled: boolean;
  #scans = 0;
  #lost = 0;
  #received = 0;

  constructor(options: RawEngineOptions = {}) {
    this.identity = {
      vendor: 'EHC Virtual',
      model: 'Raw Text Scanner',
      firmware: '1.0.0',
      serial: 'RAW0001',
      ...options.identity,
    };
    this.#terminator = bytesOf(options.terminator ?? '\r');
    const aim = options.aim ?? false;
    if (typeof aim === 'string' && !/^\][A-Za-z][0-9A-Za-z]$/.test(aim)) {
      throw new HarnessError('HARNESS_BAD_OPTION', `"${aim}" is not an AIM prefix like ]Q1`);
    }
    this.#aim = aim;
    this.#enabled = options.enabled ?? true;
  }

  get state(): Readonly<Record<string, unknown>> {
    return {
      attached: this.#sink !== undefined,
      enabled: this.#enabled,
      scans: this.#scans,
      lost: this.#lost,
      receivedBytes: this.#received,
    };
  }

  /** Front-panel switch: a disabled raw scanner sends nothing. */
  setEnabled(on: boolean): void {
    this.#enabled = on;
  }

  attach(sink: DeviceSink | undefined): void {
    this.#sink = sink;
  }

  receive(data: Uint8Array): void {
    this.#received += data.length;
  }

  scan(request: ScanRequest): void {
    if (!this.#enabled) return;
    if (!this.#sink) {
      this.#lost++;
      return;
    }
    const prefix = this.#aim === true ? AIM_PREFIX[request.symbology ?? 'qr_code'] : this.#aim || '';
    const head = bytesOf(prefix);
    const out = new Uint8Array(head.length + request.payload.length + this.#terminator.length);
    out.set(head, 0);
    out.set(request.payload, head.length);
    out.set(this.#terminator, head.length + request.payload.length);
    this.#scans++;
    this.#sink(out);
  }
}
