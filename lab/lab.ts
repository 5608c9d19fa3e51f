import type { Logger } from 'pino';
import type { Agent } from '../agent/agent.js';
import type { AgentConfig } from '../agent/config/agent-config.js';
import type { VerdictEvent } from '../agent/types.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import { EhcError } from '../protocol/errors.js';
import type { CentralServiceHandle } from '../sim/central/service.js';
import type { CipherMachineServer } from '../sim/cipher-machine/server.js';
import type { PatientApp } from './patient-app.js';
import type { LabTerminal } from './spec.js';
import { type LabSystem, startLab } from './start.js';
import type { LabTerminalHandle } from './terminals.js';

export type { LabTerminal } from './spec.js';

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

/**
 * The everyday lab (demo, end-to-end tests): one cipher machine, one in-memory central service,
 * virtual terminals and one agent, all built by `startLab` — this class only names the preset
 * and keeps the short accessors those callers use.
 */
export class Lab {
  private constructor(readonly system: LabSystem) {}

  static async start(options: LabOptions = {}): Promise<Lab> {
    const hsmTimeoutMs = options.hsmTimeoutMs ?? 200;
    const system = await startLab({
      hsm: { machines: 1 },
      central: { instances: 1, hsmTimeoutMs },
      terminals: options.terminals ?? DEFAULT_TERMINALS,
      agents: [
        {
          verifyMode: options.verifyMode ?? 'chain',
          dedupeWindowMs: options.dedupeWindowMs ?? 2000,
          hsmTimeoutMs,
          channelCode: '02',
          api: options.api ?? false,
          ...(options.storageFile ? { storage: { file: options.storageFile } } : {}),
        },
      ],
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return new Lab(system);
  }

  get agent(): Agent {
    return this.system.agents.get('agent')!.agent;
  }

  get agentConfig(): AgentConfig {
    return this.system.agents.get('agent')!.config;
  }

  get app(): PatientApp {
    return this.system.app!;
  }

  get logger(): Logger {
    return this.system.logger;
  }

  get hsmServer(): CipherMachineServer {
    const s = this.system.hsm?.servers[0];
    if (!s) throw new EhcError('LAB_HSM_DOWN', 'the cipher machine is stopped');
    return s;
  }

  /** The central service's own cipher-machine client. */
  get centralHsm(): CipherMachine {
    const i = this.system.central?.instances[0];
    if (!i) throw new EhcError('LAB_CENTRAL_DOWN', 'the central service is stopped');
    return i.hsm;
  }

  get central(): CentralServiceHandle {
    return this.system.central!.primary;
  }

  terminal(id: string): LabTerminalHandle {
    return this.system.terminal(id);
  }

  /** Shows `text` to a terminal's camera; resolves with the agent's verdict for that scan. */
  scan(terminalId: string, text: string, timeoutMs = 5000): Promise<VerdictEvent> {
    return this.system.scan(terminalId, text, timeoutMs);
  }

  /** Stops the agent and starts a new one on the same configuration and storage (a restart). */
  restartAgent(): Promise<void> {
    return this.system.agents.get('agent')!.restart();
  }

  /** Stops the cipher machine (as if its cable were pulled): every connection is cut. */
  async stopCipherMachine(): Promise<void> {
    await this.system.hsm?.servers[0]?.close();
  }

  /** The protect key's validity block for any instant, made by the lab's cipher machine. */
  async validityBlock(instantMs: number): Promise<string> {
    const r = await this.centralHsm.encryptValidity(instantMs);
    if (r.status !== 'ok') throw new EhcError('LAB_HSM_FAILED', `encryptValidity: ${r.status}`);
    return r.value.blockHex;
  }

  get cipherMachinePort(): number {
    return this.system.hsm!.ports[0]!;
  }

  get keyCount(): number {
    return this.system.hsm!.keys.length;
  }

  close(): Promise<void> {
    return this.system.stop();
  }
}
