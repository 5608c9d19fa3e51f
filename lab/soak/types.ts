import type { SoakFaultName, SoakPlannedFault, SoakSchedule } from './schedule.js';

export interface SoakRunOptions {
  readonly schedule: SoakSchedule;
  readonly durationS: number;
  /** A progress line, at most every `progressEveryS` (default 10). */
  readonly progress?: (line: string) => void;
  readonly progressEveryS?: number;
  /** How long to wait after the load for verdicts and the outbox to drain (default 90 s). */
  readonly drainTimeoutS?: number;
  /** Each fault class must fire at least this often (default 1). */
  readonly minFiresPerClass?: number;
}

/** One executed injection, times in seconds from the start of the load (monotonic). */
export interface SoakFaultEvent extends SoakPlannedFault {
  injectedS?: number;
  /** The fault is fully in place (e.g. the process reaped). */
  inPlaceS?: number;
  clearingS?: number;
  clearedS?: number;
  evidence: string[];
  error?: string;
}

export interface SoakSample {
  readonly tS: number;
  readonly rssMb: number;
  /** RSS split by the kernel (Linux): anonymous pages, file-backed pages (mapped files). */
  readonly anonMb?: number;
  readonly fileMb?: number;
  readonly heapMb: number;
  readonly fds: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Verdicts in the last interval, per second. */
  readonly tps: number;
  /** Scan → verdict in the harness (terminal link included), over the interval. */
  readonly latP50Ms: number;
  readonly latP99Ms: number;
  readonly faults: readonly SoakFaultName[];
}

export interface SoakAssertion {
  readonly name: string;
  readonly ok: boolean;
  readonly value: string;
  readonly bound: string;
  readonly detail?: string;
}

export interface SoakFaultClassSummary {
  readonly fault: SoakFaultName;
  readonly planned: number;
  readonly survived: number;
  readonly errors: number;
  /** Verdicts of scans sent while the fault was in place. */
  readonly scansDuring: number;
  readonly verdictsDuring: Readonly<Record<string, number>>;
}

export interface SoakResult {
  readonly startedAt: string;
  readonly durationS: number;
  readonly schedule: SoakSchedule;
  readonly ok: boolean;
  readonly assertions: readonly SoakAssertion[];
  readonly scans: {
    readonly sent: number;
    readonly answered: number;
    readonly lost: number;
    readonly verdicts: Readonly<Record<string, number>>;
    readonly extraVerdicts: number;
    readonly unattributed: number;
    readonly starved: number;
    readonly generateFailures: number;
    readonly acceptedTwice: number;
    readonly acceptedWhileDown: number;
    /** Refused at the terminal, yet claimed at the central service (code used up, no use). */
    readonly refusedButClaimedAtCentral: number;
  };
  readonly outbox: {
    readonly accepted: number;
    readonly delivered: number;
    readonly missing: number;
    readonly phantom: number;
    readonly drainS: number;
    readonly agentCounts: Readonly<Record<string, number>>;
  };
  readonly centralUsedCodesOverOne: number;
  readonly resources: {
    readonly warmupS: number;
    readonly rssSlopeMbPerMin: number;
    /** Anonymous RSS (heap + native; what the memory assertion bounds when known). */
    readonly anonSlopeMbPerMin?: number;
    /** File-backed RSS (mapped files such as the central database's mmap window). */
    readonly fileSlopeMbPerMin?: number;
    readonly heapSlopeMbPerMin: number;
    readonly fdSlopePerMin: number;
    readonly rssStartMb: number;
    readonly rssEndMb: number;
    readonly rssPeakMb: number;
    readonly fdsStart: number;
    readonly fdsEnd: number;
    readonly fdsPeak: number;
  };
  readonly eventLoop: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly faultClasses: readonly SoakFaultClassSummary[];
  readonly faultEvents: readonly SoakFaultEvent[];
  readonly samples: readonly SoakSample[];
}
