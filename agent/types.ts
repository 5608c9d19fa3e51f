/**
 * The agent's contracts: verdicts, verifiers, and what the local API reads from the running
 * agent. Types only; behaviour is in the doc comments.
 */
import type { EhcCode } from '../protocol/qr/index.js';

// ───────────────────────────── Verdicts ─────────────────────────────

/** Why a code was refused. A closed set, so kiosk apps and metrics can switch on it. */
export type InvalidReason =
  | 'malformed' // the text is not an EHC code
  | 'expired'
  | 'not-yet-valid'
  | 'forged' // the validity block does not decrypt to a time under the protect key
  | 'replayed' // a dynamic code already accepted once
  | 'unknown-card' // static lookup or central service: no such card
  | 'card-closed'
  | 'unknown-terminal'
  | 'refused'; // the central service said no for another stated reason

export type UnavailableReason =
  | 'hsm-timeout'
  | 'hsm-unreachable'
  | 'hsm-error' // unknown error code or malformed reply
  | 'central-timeout'
  | 'central-unreachable'
  | 'central-error'
  | 'no-verifier' // nothing configured can verify this kind of code
  | 'internal';

/**
 * Exactly one of VALID / INVALID(reason) / UNAVAILABLE(reason). Only a definite positive answer
 * from the cipher machine or the central service is VALID; every timeout, error or malformed
 * reply is UNAVAILABLE and the terminal refuses the code (fail closed).
 */
export type Verdict =
  | {
      readonly verdict: 'VALID';
      readonly by: VerifierName;
      readonly holder?: MaskedHolder;
      /** Set when a confirming peer was unavailable and the verdict rests on fewer checks (why). */
      readonly degraded?: string;
    }
  | {
      readonly verdict: 'INVALID';
      readonly reason: InvalidReason;
      readonly by: VerifierName;
      readonly detail?: string;
    }
  | {
      readonly verdict: 'UNAVAILABLE';
      readonly reason: UnavailableReason;
      readonly by: VerifierName;
      readonly detail?: string;
    };

export type VerifierName = 'hsm' | 'central' | 'chain' | 'static' | 'parser' | 'replay-guard' | 'agent';

/** Card holder data as the central service returns it, already masked (张*, 110***********006X). */
export interface MaskedHolder {
  readonly name?: string;
  readonly idNo?: string;
  readonly phone?: string;
}

/** Where and why the code is being used: the central service's verify fields. */
export interface VerifyContext {
  /** 诊疗环节, e.g. 010101 registration … 000000 other. */
  readonly medStepCode: string;
  /** The registered scanner id at the central service. */
  readonly terminalCode: string;
  /** 01 window, 02 kiosk, 99 other. */
  readonly channelCode: string;
  /** The scan's device id (for logs). */
  readonly deviceId: string;
  /** Wall-clock now in ms (injectable for tests). */
  readonly nowMs: number;
  /** Where a verifier reports each peer round trip it waited for during this scan (ms). */
  readonly timing?: PeerTiming;
}

/** A scan's peer round trips, as the verifiers measured them (see `VerdictEvent.peerRoundTripsMs`). */
export interface PeerTiming {
  peerRoundTrip(peer: 'hsm' | 'central', ms: number): void;
}

/** A verification path. Never throws and never hangs: it returns a Verdict within its deadline. */
export interface Verifier {
  readonly name: VerifierName;
  verify(code: EhcCode, ctx: VerifyContext): Promise<Verdict>;
}

// ───────────────────────────── What the agent reports ─────────────────────────────

export type Stage = 'transport' | 'parse' | 'verify' | 'feedback' | 'total';

/**
 * One scan's outcome, as the kiosk app sees it (WS /events, GET /scans). Personal data is masked:
 * the EHC-ID shows its first 8 and last 4 hex digits only.
 */
export interface VerdictEvent {
  /** Idempotent record id (also the card-use record id sent to the monitoring platform). */
  readonly id: string;
  readonly at: string; // ISO 8601
  readonly deviceId: string;
  readonly kind?: 'static' | 'dynamic' | 'temporary';
  readonly ehcIdMasked?: string;
  readonly verdict: Verdict;
  /**
   * Per-stage latency in ms. transport: first byte → scan event; parse; verify; total: first byte
   * → verdict dispatched (feedback started, event emitted). The feedback stage (beep/LED until the
   * scanner acknowledged) finishes after the event and is in the metrics only.
   */
  readonly stagesMs: Readonly<Partial<Record<Stage, number>>>;
  /**
   * The round trips to the peers this scan waited for inside its verify stage, ms each, in the
   * order they ended (socket write → reply arrival, the same monotonic clock as `stagesMs`). Only
   * the cipher machine's calls are timed so far; empty when no peer was asked. Not sent to the
   * kiosk app.
   */
  readonly peerRoundTripsMs?: readonly { readonly peer: 'hsm' | 'central'; readonly ms: number }[];
}

export interface DeviceSummary {
  readonly id: string;
  readonly driver: string;
  readonly path: string;
  readonly connected: boolean;
  readonly state: string;
  readonly info?: {
    readonly vendor: string;
    readonly model: string;
    readonly firmware: string;
    readonly serial: string;
    /** The certified model id the terminal claims (terminals running our firmware SDK). */
    readonly certifiedModelId?: string;
  };
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

/** A device as the live console shows it: its summary and the verdict of its latest scan. */
export interface ConsoleDevice extends DeviceSummary {
  readonly lastScan?: {
    readonly at: string;
    readonly verdict: Verdict['verdict'];
    readonly reason?: string;
    readonly ehcIdMasked?: string;
  };
}

/**
 * What the live console (`GET /console/state`) shows besides the verdict feed: read-only
 * aggregates. Times are ISO 8601; personal data is masked like every API answer.
 */
export interface ConsoleSnapshot {
  readonly at: string;
  readonly devices: readonly ConsoleDevice[];
  /** The latest samples of each stage in ms, oldest first, at most `window` per stage. */
  readonly stages: Readonly<Record<Stage, readonly number[]>>;
  readonly window: number;
  readonly outbox: {
    readonly pending: number;
    readonly parked: number;
    readonly delivered: number;
    readonly lastDeliveryAt?: string;
  };
  readonly cipherMachine?: {
    readonly available: boolean;
    readonly active: string;
    readonly endpoints: readonly { readonly endpoint: string; readonly up: boolean }[];
  };
  readonly central?: {
    /** Undefined before the agent called it. */
    readonly available?: boolean;
    readonly active: string;
    readonly lastAnswerAt?: string;
    readonly lastUnavailableAt?: string;
    readonly lastUnavailableReason?: string;
  };
  /** The last `ehc certify` result this agent knows of; none today (`null`). */
  readonly certify: {
    readonly at: string;
    readonly result: 'PASSED' | 'FAILED' | 'INCOMPLETE';
    readonly detail?: string;
  } | null;
}

/**
 * What the local API needs from the running agent. The API layer only talks to this interface,
 * so it is tested with a fake and the agent core is tested without HTTP.
 */
export interface AgentRuntime {
  health(): Promise<HealthReport>;
  devices(): readonly DeviceSummary[];
  recentScans(limit: number): readonly VerdictEvent[];
  /** Prometheus text exposition format. */
  metricsText(): string;
  /** Subscribes to verdicts as they happen; returns the unsubscribe function. */
  onVerdict(listener: (event: VerdictEvent) => void): () => void;
  trigger(deviceId: string, on: boolean): Promise<void>;
  beep(deviceId: string, kind: 'good' | 'bad'): Promise<void>;
  /** The effective configuration with secrets removed. */
  publicConfig(): Readonly<Record<string, unknown>>;
  /** The live console's aggregates (devices with their last scan, recent stage latencies, peers, outbox). */
  consoleSnapshot(): ConsoleSnapshot;
}
