/**
 * What a check sees of the system under test. Types only; behaviour is in the doc comments.
 * `embedded.ts` builds one from in-process reference peers, `target.ts` from a configuration file
 * describing real systems; the checks do not know which.
 *
 * Guarantees every implementation keeps:
 * - nothing here reports a verdict: it gives access, the checks measure and judge;
 * - every client or connection a method returns is closed by the caller (`close()`);
 * - fault controls resolve only once the fault is in place (or the operator confirmed it) and
 *   return a sentence saying what was done, for the evidence.
 */
import type { CentralClient } from '../clients/central/client.js';
import type { CipherMachine } from '../clients/hsm/types.js';
import type { DeviceInfo } from '../devices/types.js';
import type { LabTimeTravelAdmin } from '../lab/admin.js';

export interface CertifySettings {
  /** Virtual users of the performance items (spec: 30). */
  readonly users: number;
  /** Measured duration of each performance item, s. */
  readonly durationS: number;
  /** Duration of the stability soak (spec: 7×24 h; minutes in CI), s. */
  readonly soakS: number;
  /** Spec limits: TPS ≥ minTps, every transaction ≤ maxLatencyMs. */
  readonly minTps: number;
  readonly maxLatencyMs: number;
}

/** One certified model: the lab's list entry (spec §5.2-3, §5.2-5). */
export interface CertifiedModel {
  readonly vendor?: string;
  readonly model: string;
  /** Versions certified; empty or absent = any. */
  readonly firmware?: readonly string[];
  /** For terminals on our firmware SDK: the certified model id they must claim. */
  readonly certifiedModelId?: string;
}

export interface CertifiedLists {
  readonly cipherMachines: readonly CertifiedModel[];
  readonly terminals: readonly CertifiedModel[];
}

/** A TCP service certification probes for encryption (spec §5.1.1-6/7). */
export interface ServiceEndpoint {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface MonitorRecord {
  readonly record_id: string;
  readonly ehealth_card_id: string;
  readonly medstepcode: string;
  readonly channelcode: string;
  readonly terminalcode: string;
  readonly use_time: string;
  readonly code_kind?: string;
}

/** The central EHC service as the hospital's apps and the monitoring platform reach it. */
export interface CentralAccess {
  /** The envelope URL the clients use (through the hospital's load balancer, if any). */
  readonly url: string;
  /** Each application server instance, primary first (their own HTTPS endpoints). */
  readonly instances: readonly ServiceEndpoint[];
  /** The CA the service certificate must chain to. */
  readonly ca?: Buffer;
  /** A registered, enabled terminal code for verify calls. */
  readonly terminalCode: string;
  /** A client with the hospital app's credentials (timeout default: the spec's 1 s + margin). */
  client(opts?: { readonly timeoutMs?: number }): CentralClient;
  /** Card-use records stored for a card, read through the monitoring interface. */
  monitorRecords(ehcId: string): Promise<readonly MonitorRecord[]>;
  /** Central data backup and restore (admin interface), and the row counts. */
  readonly backup?: {
    backup(): Promise<string>;
    restore(name: string): Promise<void>;
    counts(): Promise<Readonly<Record<string, number>>>;
  };
  /** How the database is deployed, for spec §5.5-2. */
  readonly database: DatabaseDeployment;
}

export type DatabaseDeployment =
  | {
      /** One SQLite file shared by the instances (WAL): no database-level standby exists. */
      readonly kind: 'sqlite-shared';
      readonly file: string;
      /** Starts a service instance on a copy of the data (a warm standby restored from a backup). */
      startWarmStandby(
        backupFile: string,
      ): Promise<{ readonly url: string; readonly client: CentralClient; close(): Promise<void> }>;
      backupTo(file: string): Promise<void>;
    }
  | {
      /** A database with its own replication (e.g. PostgreSQL streaming), failed over by the operator. */
      readonly kind: 'external';
      readonly description: string;
    }
  | {
      /** PostgreSQL streaming replication the check can inspect: primary and standby URLs. */
      readonly kind: 'postgres-standby';
      readonly primary: string;
      readonly standby: string;
    };

/** The cipher machines (密码机), as certification reaches them directly. */
export interface CipherMachineAccess {
  /** Primary first, then standbys. */
  readonly machines: readonly ServiceEndpoint[];
  /** Whether the machines are expected to require TLS with client certificates. */
  readonly tls?: {
    readonly ca: Buffer;
    readonly cert: Buffer;
    readonly key: Buffer;
    /** A client certificate the machines must refuse (not signed by their CA), if available. */
    readonly rogue?: { readonly cert: Buffer; readonly key: Buffer };
  };
  /** A client to one machine (by index) or, without an index, to all with failover. */
  client(index?: number): CipherMachine;
  /** Key indexes for the interface check: an SM4 data key and an SM2 signing key. */
  readonly keys: { readonly data: number; readonly sign: number };
}

/** The agent's local administration interface. */
export interface AdminAccess {
  /** Base URL of the agent's local API. */
  readonly url: string;
  readonly ca?: Buffer;
  readonly adminName: string;
  readonly adminPassword: string;
  /** The default administrator's name (refused remotely). */
  readonly defaultAdminName: string;
  /** The account policy the running agent declares (introspection), when it can be read. */
  readonly policy?: {
    readonly passwordMaxAgeMs: number;
    readonly idleTimeoutMs: number;
    readonly unusedDisableAfterMs: number;
  };
  /**
   * The admin interface on a clock the check moves, for the 90-day and 10-minute rules (embedded:
   * the running agent's own API and accounts; its account clock is set back when closed).
   */
  timeTravel?(): Promise<TimeTravelAdmin>;
  /** Sends one request to the agent's admin routes as if from `remoteAddress` (socket address). */
  injectFrom?(
    remoteAddress: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Target mode: wait the real idle timeout (minutes) instead of skipping that measurement. */
  readonly waitIdleTimeout?: boolean;
}

/** The admin interface on a clock the check moves: the lab's (`lab/admin.ts`). */
export type TimeTravelAdmin = LabTimeTravelAdmin;

/** A reader terminal as its own device protocol reports it. */
export interface TerminalReport {
  readonly id: string;
  /** serial path, HID path or tcp://host:port */
  readonly port: string;
  readonly driver: string;
  readonly connected: boolean;
  readonly info?: DeviceInfo;
}

export interface TerminalRoundTrip {
  /** The text as the agent received it, where observable (embedded). */
  readonly received?: string;
  readonly verdict: StationVerdict['verdict'];
  readonly reason?: string;
  /** The masked EHC-ID the agent reported for the scan (what a target agent shows). */
  readonly ehcIdMasked?: string;
  readonly beeps: readonly string[];
  readonly led: string;
  readonly ms: number;
}

export interface TerminalAccess {
  list(): Promise<readonly TerminalReport[]>;
  /**
   * Reader-terminal interface round trip (spec §5.4-2): the terminal reports a scan of `text`
   * and takes the agent's good/bad feedback. Resolves with what was observed: the text the agent
   * received, its verdict, the beeps the terminal made after the scan (in order) and its LED.
   */
  roundTrip(text: string): Promise<TerminalRoundTrip>;
}

/** What the agent decided about one scan at a station. */
export interface StationVerdict {
  readonly verdict: 'VALID' | 'INVALID' | 'UNAVAILABLE';
  readonly reason?: string;
  readonly by?: string;
  /** The card, masked, when the text parsed as a code. */
  readonly ehcIdMasked?: string;
  readonly ms: number;
}

/** A place in the hospital where codes are scanned: a terminal with its visit step and channel. */
export interface Station {
  readonly name: string;
  /** 诊疗环节 code reported for uses here (010101 registration …). */
  readonly medStepCode: string;
  /** 01 window, 02 kiosk, 99 other. */
  readonly channelCode: string;
  readonly terminalCode: string;
  /** Presents `text` to the terminal's camera and waits for the agent's verdict. */
  scan(text: string): Promise<StationVerdict>;
  /** Delivers the agent's pending card-use records now (store-and-forward flush). */
  flush(): Promise<void>;
}

/** How faults are produced: by certification's own proxies and processes, or by the operator. */
export interface FaultControl {
  readonly kind: 'embedded' | 'proxy' | 'manual';
  cutCipherMachines(): Promise<string>;
  restoreCipherMachines(): Promise<string>;
  stopCentralPrimary(): Promise<string>;
  restartCentralPrimary(): Promise<string>;
  stopCipherMachinePrimary(): Promise<string>;
  restartCipherMachinePrimary(): Promise<string>;
}

export interface CertifyContext {
  readonly mode: 'embedded' | 'target';
  readonly settings: CertifySettings;
  readonly certified: CertifiedLists;
  readonly central: CentralAccess;
  readonly cipherMachines: CipherMachineAccess;
  readonly admin: AdminAccess;
  readonly terminals: TerminalAccess;
  /** The window (channel 01) and kiosk (02) stations first, then the other visit steps. */
  readonly stations: readonly Station[];
  readonly faults: FaultControl;
  /** The agent's scanner ports and local API, for the link inventory of §5.1.1-6. */
  readonly agentLinks: {
    readonly apiUrl: string;
    readonly apiCa?: Buffer;
    readonly scannerPorts: readonly string[];
  };
  /** Memory of the process running the system (embedded only: the same process). */
  readonly memory?: () => { readonly rssMb: number; readonly heapUsedMb: number };
  /** Progress lines for the operator (stderr). */
  progress(line: string): void;
}
