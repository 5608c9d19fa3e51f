import type { Logger } from 'pino';
import type { AgentConfig } from '../agent/config/agent-config.js';
import type { CipherMachine, HsmEndpoint } from '../clients/hsm/types.js';
import type { RuntimeIdentity } from '../firmware-sdk/runtime/options.js';
import type { CameraOptions } from '../firmware-sdk/virtual/native/camera-decoder.js';
import type { CentralTerminal } from '../sim/central/index.js';
import type { DeviceIdentity } from '../sim/cipher-machine/config.js';

/**
 * What a lab is made of, declaratively: `startLab(spec)` (lab/start.ts) builds exactly this on
 * loopback and returns the handles. Everything is optional: `{}` is a cipher machine and a
 * central service; add terminals and an agent to scan. Whatever it opens, `stop()` closes.
 */
export interface LabSpec {
  /**
   * TLS on the peers (default off): the cipher machines require client certificates, the central
   * service speaks HTTPS. A fresh test PKI is made with the openssl CLI (else lab/fixtures).
   */
  readonly tls?: boolean;
  /** The soft cipher machines (default one), or peers running elsewhere, or none. */
  readonly hsm?: LabHsmSpec | LabExternalHsm | false;
  /** The central EHC service (default one in-memory instance), or one running elsewhere, or none. */
  readonly central?: LabCentralSpec | LabExternalCentral | false;
  /** Registers the monitoring platform's app at the central service (`ehc.monitor.usecard.query`). */
  readonly monitoring?: boolean | LabApp;
  /** Virtual terminals on loopback TCP, each driven by one agent. */
  readonly terminals?: readonly LabTerminal[];
  /**
   * The host agents. Default: one agent named `agent` driving every terminal when there are
   * terminals, none otherwise. `[]`: no agent.
   */
  readonly agents?: readonly LabAgentSpec[];
  /**
   * `movable`: one wall clock the caller can move forward (`lab.clock.advance`), used as the
   * account clock of every agent with `admin` set (sessions, password age, unused accounts).
   */
  readonly clock?: 'real' | 'movable';
  /** The faults `lab.faults.inject(name)` may produce (each needs the pieces it acts on). */
  readonly faults?: readonly LabFaultName[];
  readonly logger?: Logger;
}

export interface LabHsmSpec {
  /** Primary, or primary + hot standby (same keys). Default 1. */
  readonly machines?: 1 | 2;
  /**
   * Put each machine behind a TCP relay standing for its network link: the systems under test
   * (central service, agents) connect through the links, which the `cipher-machine-links` fault
   * cuts; direct endpoints stay reachable for probes. Default false.
   */
  readonly links?: boolean;
  /** Identity both machines report (each gets its own serial suffix). */
  readonly identity?: Partial<DeviceIdentity>;
  /** Dynamic-code lifetime the machines check, s (their default when absent). */
  readonly lifetimeS?: number;
  /** Ports to listen on, by machine (default any free port). */
  readonly ports?: readonly number[];
  /**
   * Run each machine as its own child process (`ehc sim hsm` on a key file in the lab
   * directory) instead of in this process, so the `cipher-machine-kill` fault can `kill -9` it:
   * the process dies with its sockets, the kernel resets them. Default false (in-process).
   */
  readonly process?: boolean;
}

export interface LabExternalHsm {
  /** Cipher machines already running (primary first), plain TCP. */
  readonly external: readonly HsmEndpoint[];
}

export interface LabApp {
  readonly appId: string;
  readonly appSecret: string;
  readonly name?: string;
}

export interface LabCentralSpec {
  /**
   * One instance, or two application-server instances sharing one SQLite file behind a TCP
   * failover relay standing for the load balancer (the `central-primary` fault stops the first).
   */
  readonly instances?: 1 | 2;
  /** Where the data lives: `:memory:` (default with one instance) or a file in the lab directory (always with two). */
  readonly db?: 'memory' | 'file';
  /**
   * PostgreSQL instead of SQLite: every instance opens its own pool on this database (one or
   * several hosts, e.g. a primary and its standby), shares the replay cache through it, and
   * fails over with it. `db` is then ignored.
   */
  readonly postgres?: {
    readonly url: string;
    readonly poolSize?: number;
    readonly failoverWaitMs?: number;
    readonly statementTimeoutMs?: number;
  };
  /** The hospital app's credentials (default `LAB-HOSPITAL` with a random secret). */
  readonly app?: LabApp;
  /** Terminals registered besides the lab's registered ones (e.g. a load generator's). */
  readonly terminals?: readonly CentralTerminal[];
  /** Organisation code of the registered terminals (default `LAB`). */
  readonly orgCode?: string;
  /** Admin routes with a bearer token and a backup directory: `lab.central.backup` (backup/restore). */
  readonly admin?: boolean;
  /** Put a relay in front even with one instance (so latency can be added); implied by 2 instances. */
  readonly relay?: boolean;
  /** How the relay spreads connections: `failover` (default, first that accepts) or `round-robin`. */
  readonly balance?: 'failover' | 'round-robin';
  /** Dynamic-code lifetime, s (default 60). */
  readonly lifetimeS?: number;
  /** The central service's cipher-machine timeout, ms (default 200 for one instance, 1000 for two). */
  readonly hsmTimeoutMs?: number;
  /** Size of the request replay cache (default the service's, 1,000,000; load benchmarks need more). */
  readonly replayCacheMaxEntries?: number;
}

export interface LabExternalCentral {
  readonly external: { readonly url: string; readonly appId: string; readonly appSecret: string };
}

/** The wire protocol of a virtual terminal: ours, plain text lines, or a vendor's. */
export type LabTerminalProtocol = 'native' | 'raw' | 'zebra-ssi' | 'honeywell' | 'newland' | 'grow';

/** A scanner at the hospital: a virtual terminal the agent drives. */
export interface LabTerminal {
  readonly id: string;
  /** The terminal code registered at the central service (an unregistered one is allowed, for tests). */
  readonly terminalCode: string;
  readonly channelCode: '01' | '02' | '99';
  /** Register it at the central service (default true). */
  readonly registered?: boolean;
  /** Default `native`. */
  readonly protocol?: LabTerminalProtocol;
  /**
   * Native terminals only: read codes through a camera — render, degrade, decode with the real
   * decoder — instead of passing the payload through.
   */
  readonly camera?: CameraOptions;
  /** Native terminals only: what the terminal reports about itself (default serial `VT-<id>`). */
  readonly identity?: Partial<RuntimeIdentity>;
  /** The agent that drives it (default: the first agent). */
  readonly agent?: string;
  /** Where it stands, for people (default the id). */
  readonly name?: string;
}

export interface LabAgentSpec {
  /** Default `agent`. */
  readonly name?: string;
  readonly verifyMode?: AgentConfig['verify']['mode'];
  readonly dedupeWindowMs?: number;
  /** Dynamic-code lifetime the agent accepts, s. */
  readonly lifetimeS?: number;
  /** Cipher-machine timeout, ms (default 200). */
  readonly hsmTimeoutMs?: number;
  /**
   * The agent's own terminal identity: the visit step of its uses (default `010101`), its
   * channel (default its first terminal's) and terminal code (default its first terminal's).
   */
  readonly medStepCode?: string;
  readonly channelCode?: '01' | '02' | '99';
  readonly terminalCode?: string;
  /** Serve the local API (default false), with these kiosk tokens (default one random). */
  readonly api?: boolean | { readonly tokens: readonly string[] };
  /** Its SQLite file: `:memory:` (default), a file in the lab directory, or a path given. */
  readonly storage?: 'memory' | 'file' | { readonly file: string };
  /** Outbox tuning (default: batch 50, backoff 50…2000 ms). */
  readonly outbox?: Partial<AgentConfig['outbox']>;
  /**
   * Administrator accounts (spec §5.1): a strong random password, the first login done as the
   * installer would (bootstrap password changed), `lab.agent(name).admin` for checks. Without
   * it the default administrator keeps the lab password `LabAdmin2026`.
   */
  readonly admin?: boolean;
  /** Replaces the agent's cipher-machine client with a wrapper (broken-target tests). */
  readonly wrapHsm?: (real: CipherMachine) => CipherMachine;
  /** Report card use to the central service (default true when there is one). */
  readonly central?: boolean;
  /**
   * The lab's movable clock (spec `clock: 'movable'`) is also this agent's scan-pipeline wall
   * clock (replay guard, repeat filter, verdict and card-use times), so `clock-jump` moves the
   * kiosk's clock under the scans. Default false (the pipeline reads `Date.now`).
   */
  readonly movableScanClock?: boolean;
  /**
   * Scanners outside the lab this agent opens besides its terminals: a real port (serial path,
   * HID path, `tcp://host:port`), e.g. the bench rig's scanner reader. The lab waits for them to
   * connect like its own terminals.
   */
  readonly scanners?: readonly LabExternalScanner[];
}

export interface LabExternalScanner {
  readonly id: string;
  readonly port: string;
  readonly driver?: 'raw' | 'zebra-ssi' | 'honeywell' | 'newland' | 'grow' | 'hid-pos' | 'native';
  readonly baudRate?: number;
}

/**
 * Faults the lab produces for real: `cipher-machine-links` cuts every link relay (connections
 * reset, connects refused); `cipher-machine-primary` powers the first machine off (same port
 * and keys when restored); `central-primary` stops the first central instance (server and its
 * database handle closed; same port when restored); `central-latency` delays every reply of
 * the central relay (`inject(name, ms)`).
 *
 * `cipher-machine-kill` sends SIGKILL to the first machine's process (`hsm.process`) and
 * `clear` starts a new process on the same port and key file; `cipher-machine-link-half-open`
 * makes every link relay stop reading and forwarding while keeping its sockets open (the peer
 * stops reading: writes pile up in kernel buffers, nothing answers, nothing is reset; new
 * connections are accepted and left hanging); `scanner-unplug` pulls the virtual cable of a
 * terminal (its TCP connection reset, reconnects refused until replugged); `outbox-disk-full`
 * pins the agent database's `max_page_count` to its current size, so SQLite fails every write
 * that needs a new page with SQLITE_FULL, its own disk-full path (the file system is not full);
 * `clock-jump` moves the lab's movable clock by `ms` and `clear` sets it back to real time.
 */
export type LabFaultName =
  | 'cipher-machine-links'
  | 'cipher-machine-primary'
  | 'central-primary'
  | 'central-latency'
  | 'cipher-machine-kill'
  | 'cipher-machine-link-half-open'
  | 'scanner-unplug'
  | 'outbox-disk-full'
  | 'clock-jump';

/** Every fault name, in the order reports list them. */
export const LAB_FAULT_NAMES: readonly LabFaultName[] = [
  'cipher-machine-links',
  'cipher-machine-primary',
  'central-primary',
  'central-latency',
  'cipher-machine-kill',
  'cipher-machine-link-half-open',
  'scanner-unplug',
  'outbox-disk-full',
  'clock-jump',
];

/**
 * What one `inject` acts on or how hard: `ms` (central-latency: delay per reply; clock-jump:
 * the jump, negative = backwards), `target` (scanner-unplug: a terminal id, default every
 * terminal; outbox-disk-full: an agent name, default every agent).
 */
export interface LabFaultOptions {
  readonly ms?: number;
  readonly target?: string;
}
