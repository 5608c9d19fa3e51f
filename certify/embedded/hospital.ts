import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import type { VerdictEvent } from '../../agent/types.js';
import type { CentralClient } from '../../clients/central/client.js';
import type { CipherMachine } from '../../clients/hsm/types.js';
import type { ScanEvent } from '../../devices/types.js';
import type { RuntimeIdentity } from '../../firmware-sdk/runtime/options.js';
import { TcpDevice } from '../../firmware-sdk/virtual/harness/tcp.js';
import { NativeTerminal } from '../../firmware-sdk/virtual/native/terminal.js';
import type {
  Station,
  StationVerdict,
  TerminalAccess,
  TerminalReport,
  TerminalRoundTrip,
} from '../context.js';
import { CertifyError } from '../errors.js';

/** Where codes are scanned in the embedded hospital: one agent per visit step, as departments run them. */
export interface StationSpec {
  readonly name: string;
  readonly agent: string;
  readonly scannerId: string;
  readonly medStepCode: string;
  readonly channelCode: '01' | '02' | '99';
  readonly terminalCode: string;
}

export const STATIONS: readonly StationSpec[] = [
  {
    name: 'registration window',
    agent: 'front',
    scannerId: 'window-1',
    medStepCode: '010101',
    channelCode: '01',
    terminalCode: 'TERM-W01',
  },
  {
    name: 'self-service kiosk',
    agent: 'front',
    scannerId: 'kiosk-1',
    medStepCode: '010101',
    channelCode: '02',
    terminalCode: 'TERM-K01',
  },
  {
    name: 'consulting room',
    agent: 'clinic',
    scannerId: 'desk-1',
    medStepCode: '010102',
    channelCode: '99',
    terminalCode: 'TERM-C01',
  },
  {
    name: 'pharmacy window',
    agent: 'pharmacy',
    scannerId: 'pharmacy-1',
    medStepCode: '010103',
    channelCode: '01',
    terminalCode: 'TERM-P01',
  },
  {
    name: 'payment kiosk',
    agent: 'cashier',
    scannerId: 'pay-1',
    medStepCode: '010105',
    channelCode: '02',
    terminalCode: 'TERM-K02',
  },
];

export interface HospitalOptions {
  readonly dir: string;
  /** The agents' cipher-machine client (shared; not closed here). */
  readonly hsm: CipherMachine;
  /** The cipher-machine links the agents' configuration names (`host:port`, primary first). */
  readonly hsmLinks: readonly string[];
  readonly centralFor: (terminalCode: string) => CentralClient;
  readonly adminPassword: string;
  readonly kioskToken: string;
  /** The front agent's account clock (default real time): certification moves it for 5.1.1-8. */
  readonly adminClock?: () => number;
  /** Per scanner id: what its terminal reports instead of the default identity. */
  readonly terminalIdentities?: Readonly<Record<string, Partial<RuntimeIdentity>>>;
}

interface Terminal {
  readonly spec: StationSpec;
  readonly engine: NativeTerminal;
  readonly device: TcpDevice;
}

const VERDICT_WAIT_MS = 5000;

/**
 * The embedded hospital: virtual native-protocol terminals on loopback TCP and the agents that
 * drive them — `front` (registration window, channel 01, and self-service kiosk, 02, with the
 * local API and its administrators), then one agent per later visit step. Every agent verifies
 * dynamic codes with the cipher machine and reports card use to the central service.
 */
export class Hospital {
  readonly agents = new Map<string, Agent>();
  private readonly terminals = new Map<string, Terminal>();
  /** One scan at a time per terminal: a verdict is matched to the scan by its device. */
  private readonly busy = new Map<string, Promise<unknown>>();

  private constructor(private readonly o: HospitalOptions) {}

  static async start(o: HospitalOptions): Promise<Hospital> {
    const h = new Hospital(o);
    try {
      for (const spec of STATIONS) {
        const engine = new NativeTerminal({
          identity: { serial: `VT-${spec.scannerId}`, ...o.terminalIdentities?.[spec.scannerId] },
        });
        const device = await TcpDevice.listen(engine);
        h.terminals.set(spec.scannerId, { spec, engine, device });
      }
      for (const name of new Set(STATIONS.map((s) => s.agent))) await h.startAgent(name);
    } catch (e) {
      await h.close();
      throw e;
    }
    return h;
  }

  private async startAgent(name: string): Promise<void> {
    const specs = STATIONS.filter((s) => s.agent === name);
    const first = specs[0]!;
    const front = name === 'front';
    const config = parseAgentConfig({
      terminal: {
        terminalCode: first.terminalCode,
        channelCode: first.channelCode,
        medStepCode: first.medStepCode,
      },
      scanners: specs.map((s) => ({
        id: s.scannerId,
        port: this.terminals.get(s.scannerId)!.device.url,
        driver: 'native',
        terminalCode: s.terminalCode,
        channelCode: s.channelCode,
      })),
      verify: { mode: 'hsm' },
      hsm: {
        primary: this.o.hsmLinks[0],
        ...(this.o.hsmLinks[1] ? { standby: this.o.hsmLinks[1] } : {}),
        timeoutMs: 1000,
      },
      storage: { file: join(this.o.dir, `agent-${name}.db`) },
      api: { enabled: front, host: '127.0.0.1', port: 0, tokens: front ? [this.o.kioskToken] : [] },
      outbox: { baseBackoffMs: 200, maxBackoffMs: 2000 },
      log: { level: 'silent' },
    });
    const agent = new Agent({
      config,
      hsm: this.o.hsm,
      central: this.o.centralFor(first.terminalCode),
      adminPassword: this.o.adminPassword,
      fastPasswordHashing: true,
      ...(front && this.o.adminClock ? { adminClock: this.o.adminClock } : {}),
    });
    this.agents.set(name, agent);
    await agent.start();
  }

  get front(): Agent {
    return this.agents.get('front')!;
  }

  /** The scanner ports the agents use (for the link inventory). */
  get scannerPorts(): string[] {
    return [...this.terminals.values()].map((t) => t.device.url);
  }

  stations(): Station[] {
    return STATIONS.map((spec) => ({
      name: spec.name,
      medStepCode: spec.medStepCode,
      channelCode: spec.channelCode,
      terminalCode: spec.terminalCode,
      scan: (text) => this.scan(spec, text),
      flush: () => this.agents.get(spec.agent)!.flushOutbox(),
    }));
  }

  private scan(spec: StationSpec, text: string): Promise<StationVerdict> {
    const prev = this.busy.get(spec.scannerId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.scanNow(spec, text));
    this.busy.set(spec.scannerId, next);
    return next;
  }

  private async scanNow(spec: StationSpec, text: string): Promise<StationVerdict> {
    const agent = this.agents.get(spec.agent)!;
    const t0 = performance.now();
    const event = await new Promise<VerdictEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new CertifyError('CERTIFY_PROBE', `no verdict from ${spec.name} within ${VERDICT_WAIT_MS} ms`),
        );
      }, VERDICT_WAIT_MS);
      const off = agent.pipeline.onVerdict((e) => {
        if (e.deviceId !== spec.scannerId) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
      this.terminals.get(spec.scannerId)!.engine.scan({ payload: Buffer.from(text, 'utf8') });
    });
    const v = event.verdict;
    return {
      verdict: v.verdict,
      by: v.by,
      ...(v.verdict === 'VALID' ? {} : { reason: v.reason }),
      ...(event.ehcIdMasked ? { ehcIdMasked: event.ehcIdMasked } : {}),
      ms: performance.now() - t0,
    };
  }

  terminalAccess(): TerminalAccess {
    return {
      list: async () => this.reports(),
      roundTrip: (text) => this.roundTrip(STATIONS[0]!, text),
    };
  }

  /** Each terminal as its agent publishes it at `/devices` (the runtime's device summaries). */
  private reports(): TerminalReport[] {
    return STATIONS.map((spec) => {
      const d = this.agents
        .get(spec.agent)
        ?.runtime.devices()
        .find((x) => x.id === spec.scannerId);
      return {
        id: spec.scannerId,
        port: this.terminals.get(spec.scannerId)!.device.url,
        driver: d?.driver ?? 'native',
        connected: d?.connected ?? false,
        ...(d?.info ? { info: d.info } : {}),
      };
    });
  }

  private async roundTrip(spec: StationSpec, text: string): Promise<TerminalRoundTrip> {
    const session = this.agents.get(spec.agent)!.scanners.session(spec.scannerId);
    if (!session) throw new CertifyError('CERTIFY_PROBE', `${spec.scannerId} is not open`);
    const { engine } = this.terminals.get(spec.scannerId)!;
    const beepsBefore = engine.feedback.beeps.length;
    const t0 = performance.now();
    const received = new Promise<string>((resolve) => {
      const onScan = (s: ScanEvent): void => {
        session.off('scan', onScan);
        resolve(s.text);
      };
      session.on('scan', onScan);
    });
    const v = await this.scan(spec, text);
    const got = await received;
    // The terminal beeps once by itself when it decodes (beep_on_scan); the agent's verdict then
    // sends a beep and an LED command. Wait for the verdict's feedback to arrive.
    const want = v.verdict === 'VALID' ? 'good' : 'bad';
    const arrived = (): boolean =>
      engine.feedback.led.kind === want &&
      engine.feedback.beeps.slice(beepsBefore).some((b) => b.kind === want);
    for (let i = 0; i < 100 && !arrived(); i++) await sleep(20);
    return {
      received: got,
      verdict: v.verdict,
      ...(v.reason ? { reason: v.reason } : {}),
      ...(v.ehcIdMasked ? { ehcIdMasked: v.ehcIdMasked } : {}),
      beeps: engine.feedback.beeps.slice(beepsBefore).map((b) => b.kind),
      led: engine.feedback.led.kind,
      ms: performance.now() - t0,
    };
  }

  async close(): Promise<void> {
    for (const a of this.agents.values()) await a.stop().catch(() => undefined);
    for (const t of this.terminals.values()) {
      await t.device.close();
      t.engine.dispose();
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
