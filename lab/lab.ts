import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { Agent } from '../agent/agent.js';
import { type AgentConfig, parseAgentConfig } from '../agent/config/agent-config.js';
import type { VerdictEvent } from '../agent/types.js';
import { CentralClient } from '../clients/central/client.js';
import { createHsmClient, type HsmClient } from '../clients/hsm/client.js';
import { RawEngine } from '../firmware-sdk/virtual/engines/raw/engine.js';
import { TcpDevice } from '../firmware-sdk/virtual/harness/tcp.js';
import { type CameraOptions, cameraDecoder } from '../firmware-sdk/virtual/native/camera-decoder.js';
import { NativeTerminal } from '../firmware-sdk/virtual/native/terminal.js';
import { EhcError } from '../protocol/errors.js';
import { type CentralServiceHandle, startCentralService } from '../sim/central/service.js';
import { generateKeys } from '../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../sim/cipher-machine/server.js';
import { PatientApp } from './patient-app.js';

/** A scanner at the hospital: a virtual native terminal the agent drives. */
export interface LabTerminal {
  readonly id: string;
  /** The terminal code registered at the central service (an unregistered one is allowed, for tests). */
  readonly terminalCode: string;
  readonly channelCode: '01' | '02' | '99';
  /** Register it at the central service (default true). */
  readonly registered?: boolean;
  /** The wire protocol: our native frames (default) or raw text lines (a plain serial scanner). */
  readonly protocol?: 'native' | 'raw';
  /**
   * Native terminals only: read codes through a camera — render, degrade, decode with the real
   * decoder — instead of passing the payload through.
   */
  readonly camera?: CameraOptions;
}

export interface LabOptions {
  readonly terminals?: readonly LabTerminal[];
  readonly verifyMode?: AgentConfig['verify']['mode'];
  readonly dedupeWindowMs?: number;
  readonly hsmTimeoutMs?: number;
  readonly logger?: Logger;
  /** Serve the agent's local API (default false). */
  readonly api?: boolean;
  /** The agent's SQLite file (default `:memory:`); a file lets `restartAgent()` keep state. */
  readonly storageFile?: string;
}

export const DEFAULT_TERMINALS: readonly LabTerminal[] = [
  { id: 'window-1', terminalCode: 'WIN-0001', channelCode: '01' },
  { id: 'kiosk-1', terminalCode: 'KIOSK-0001', channelCode: '02' },
];

const APP_ID = 'LAB-HOSPITAL';

interface TerminalHandle {
  readonly config: LabTerminal;
  readonly engine: NativeTerminal | RawEngine;
  readonly device: TcpDevice;
}

/** The embedded lab: cipher machine, central service, virtual terminals and the agent on loopback. */
export class Lab {
  private constructor(
    readonly hsmServer: CipherMachineServer,
    /** The central service's own cipher-machine client. */
    readonly centralHsm: HsmClient,
    readonly central: CentralServiceHandle,
    readonly app: PatientApp,
    public agent: Agent,
    readonly agentConfig: AgentConfig,
    private readonly terminals: Map<string, TerminalHandle>,
    private readonly hsmPort: number,
    private readonly keys: ReturnType<typeof generateKeys>,
    readonly logger: Logger,
  ) {}

  static async start(options: LabOptions = {}): Promise<Lab> {
    const logger = options.logger ?? pino({ level: 'silent' });
    const terminals = options.terminals ?? DEFAULT_TERMINALS;
    const keys = generateKeys();
    const cleanup: (() => Promise<unknown>)[] = [];
    try {
      const hsmServer = await CipherMachineServer.start({ keys, logger: logger.child({ peer: 'hsm' }) });
      cleanup.push(() => hsmServer.close());
      const hsmPort = hsmServer.address().port;
      const endpoint = { host: '127.0.0.1', port: hsmPort };
      const centralHsm = createHsmClient({ endpoints: [endpoint], timeoutMs: options.hsmTimeoutMs ?? 200 });
      cleanup.push(() => centralHsm.close());
      const appSecret = randomBytes(8).toString('hex');
      const central = await startCentralService({
        hsm: centralHsm,
        logger: logger.child({ peer: 'central' }),
        config: {
          apps: [{ appId: APP_ID, appSecret, name: 'Lab hospital' }],
          terminals: terminals
            .filter((t) => t.registered !== false)
            .map((t) => ({ terminalCode: t.terminalCode, name: t.id, orgCode: 'LAB', enabled: true })),
          validity: { lifetimeS: 60, skewS: 5, timeZone: 'Asia/Shanghai' },
          requestWindowS: 300,
          replayCacheMaxEntries: 100_000,
          hsmTimeoutMs: options.hsmTimeoutMs ?? 200,
          log: { level: 'silent' },
        },
      });
      cleanup.push(() => central.close());
      const app = new PatientApp(
        new CentralClient({ url: central.url, appId: APP_ID, appSecret, termId: 'PATIENT-APP' }),
      );
      const handles = new Map<string, TerminalHandle>();
      for (const t of terminals) {
        const engine =
          t.protocol === 'raw'
            ? new RawEngine()
            : new NativeTerminal({
                identity: { serial: `VT-${t.id}` },
                ...(t.camera ? { decoder: cameraDecoder(t.camera) } : {}),
              });
        const device = await TcpDevice.listen(engine);
        cleanup.push(async () => {
          await device.close();
          if (engine instanceof NativeTerminal) engine.dispose();
        });
        handles.set(t.id, { config: t, engine, device });
      }
      const config = parseAgentConfig({
        terminal: {
          terminalCode: terminals[0]?.terminalCode ?? 'TERM-0001',
          channelCode: '02',
          medStepCode: '010101',
        },
        scanners: terminals.map((t) => ({
          id: t.id,
          port: handles.get(t.id)!.device.url,
          driver: t.protocol === 'raw' ? 'raw' : 'native',
          terminalCode: t.terminalCode,
          channelCode: t.channelCode,
        })),
        verify: { mode: options.verifyMode ?? 'chain', dedupeWindowMs: options.dedupeWindowMs ?? 2000 },
        hsm: { primary: `127.0.0.1:${hsmPort}`, timeoutMs: options.hsmTimeoutMs ?? 200 },
        central: { url: central.url, appId: APP_ID, appSecret, timeoutMs: 1000 },
        storage: { file: options.storageFile ?? ':memory:' },
        api: { enabled: options.api ?? false, port: 0, tokens: [randomBytes(16).toString('hex')] },
        outbox: { batchSize: 50, baseBackoffMs: 50, maxBackoffMs: 2000 },
        log: { level: 'silent' },
      });
      const agent = new Agent({
        config,
        logger: logger.child({ component: 'agent' }),
        adminPassword: 'LabAdmin2026',
        fastPasswordHashing: true,
      });
      cleanup.push(() => agent.stop());
      await agent.start();
      const lab = new Lab(hsmServer, centralHsm, central, app, agent, config, handles, hsmPort, keys, logger);
      await lab.waitForScanners();
      return lab;
    } catch (e) {
      for (const c of cleanup.reverse()) await c().catch(() => undefined);
      throw e;
    }
  }

  private async waitForScanners(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.agent.scanners.summaries().some((s) => !s.connected)) {
      if (Date.now() > deadline)
        throw new EhcError('LAB_SCANNER_TIMEOUT', 'virtual terminals did not connect');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  terminal(id: string): TerminalHandle {
    const t = this.terminals.get(id);
    if (!t) throw new EhcError('LAB_NO_TERMINAL', `no terminal ${id}`);
    return t;
  }

  /** Shows `text` to a terminal's camera; resolves with the agent's verdict for that scan. */
  scan(terminalId: string, text: string, timeoutMs = 5000): Promise<VerdictEvent> {
    const t = this.terminal(terminalId);
    return new Promise<VerdictEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new EhcError('LAB_SCAN_TIMEOUT', `no verdict from ${terminalId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.agent.pipeline.onVerdict((e) => {
        if (e.deviceId !== terminalId) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
      t.device.link.scan(text);
    });
  }

  /** Stops the agent and starts a new one on the same configuration and storage (a restart). */
  async restartAgent(): Promise<void> {
    await this.agent.stop();
    this.agent = new Agent({
      config: this.agentConfig,
      logger: this.logger.child({ component: 'agent' }),
      adminPassword: 'LabAdmin2026',
      fastPasswordHashing: true,
    });
    await this.agent.start();
    await this.waitForScanners();
  }

  /** Stops the cipher machine (as if its cable were pulled): every connection is cut. */
  async stopCipherMachine(): Promise<void> {
    await this.hsmServer.close();
  }

  /** The protect key's validity block for any instant, made by the lab's cipher machine. */
  async validityBlock(instantMs: number): Promise<string> {
    const r = await this.centralHsm.encryptValidity(instantMs);
    if (r.status !== 'ok') throw new EhcError('LAB_HSM_FAILED', `encryptValidity: ${r.status}`);
    return r.value.blockHex;
  }

  get cipherMachinePort(): number {
    return this.hsmPort;
  }

  get keyCount(): number {
    return this.keys.length;
  }

  async close(): Promise<void> {
    await this.agent.stop().catch(() => undefined);
    for (const t of this.terminals.values()) {
      await t.device.close().catch(() => undefined);
      if (t.engine instanceof NativeTerminal) t.engine.dispose();
    }
    await this.central.close().catch(() => undefined);
    await this.centralHsm.close().catch(() => undefined);
    await this.hsmServer.close().catch(() => undefined);
  }
}
