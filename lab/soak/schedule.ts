import { EhcError } from '../../protocol/errors.js';

/**
 * The soak's fault schedule (`ehc soak --faults schedule.json`, example in
 * `config/soak.example.json`). Every entry is a periodic lane: fault `fault` is injected at
 * `startS`, `startS + everyS`, … and cleared `durationS` after each injection. Lanes of different
 * faults may overlap; one lane per fault, which never overlaps itself (`durationS < everyS`). No fault is injected
 * in the last `quietS` seconds of the run, so the system can recover and the outbox drain before
 * the assertions. Times are seconds from the start of the load.
 */
export interface SoakSchedule {
  readonly version: 1;
  readonly load: SoakLoad;
  /** Seconds ignored by the RSS / file-descriptor slope (warm-up: caches, pools, JIT). */
  readonly warmupS: number;
  /** Seconds at the end with no new fault (default 20). */
  readonly quietS: number;
  readonly bounds: SoakBounds;
  readonly faults: readonly SoakFaultLane[];
}

export interface SoakLoad {
  /** Virtual native terminals, each scanning in a closed loop (default 3). */
  readonly terminals: number;
  /** Scans per second over all terminals (default 15). */
  readonly scansPerSecond: number;
  /** Cards registered per terminal; codes rotate over them (default 40). */
  readonly cardsPerTerminal: number;
}

/** The assertions' bounds on resource growth (least-squares slope after warm-up). */
export interface SoakBounds {
  /** RSS slope, MB per minute (default 2). */
  readonly rssMbPerMin: number;
  /** Open file descriptors slope, per minute (default 1). */
  readonly fdPerMin: number;
}

export type SoakFaultName =
  | 'scanner-unplug'
  | 'cipher-machine-kill'
  | 'central-latency'
  | 'central-down'
  | 'outbox-disk-full'
  | 'clock-jump'
  | 'half-open-tcp';

export const SOAK_FAULTS: readonly SoakFaultName[] = [
  'scanner-unplug',
  'cipher-machine-kill',
  'central-latency',
  'central-down',
  'outbox-disk-full',
  'clock-jump',
  'half-open-tcp',
];

export interface SoakFaultLane {
  readonly fault: SoakFaultName;
  readonly startS: number;
  readonly everyS: number;
  readonly durationS: number;
  /** `central-latency`: delay per reply; `clock-jump`: the jump (negative = back). */
  readonly ms?: number;
  /** `scanner-unplug`: a terminal id (`t1`…), `rotate` (default: the next terminal each time) or `all`. */
  readonly target?: string;
}

/** One planned injection. */
export interface SoakPlannedFault {
  readonly fault: SoakFaultName;
  readonly atS: number;
  readonly untilS: number;
  readonly ms?: number;
  readonly target?: string;
}

const fail = (path: string, msg: string): never => {
  throw new EhcError('SOAK_SCHEDULE', `schedule${path}: ${msg}`);
};

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function num(
  o: Record<string, unknown>,
  key: string,
  path: string,
  dflt: number | undefined,
  min: number,
  max: number,
): number {
  const v = o[key];
  if (v === undefined) {
    if (dflt === undefined) return fail(`${path}.${key}`, 'is required');
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`${path}.${key}`, 'must be a number');
  if (v < min || v > max) return fail(`${path}.${key}`, `must be between ${min} and ${max}`);
  return v;
}

function known(o: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(path, `unknown field ${JSON.stringify(k)}`);
}

/** Validates a parsed schedule JSON; throws `EhcError('SOAK_SCHEDULE')` naming the field. */
export function parseSoakSchedule(json: unknown): SoakSchedule {
  if (!isObj(json)) return fail('', 'must be a JSON object');
  known(json, ['$comment', 'version', 'load', 'warmupS', 'quietS', 'bounds', 'faults'], '');
  if (json.version !== 1) fail('.version', 'must be 1');
  const l = json.load ?? {};
  if (!isObj(l)) return fail('.load', 'must be an object');
  known(l, ['terminals', 'scansPerSecond', 'cardsPerTerminal'], '.load');
  const load: SoakLoad = {
    terminals: Math.round(num(l, 'terminals', '.load', 3, 1, 16)),
    scansPerSecond: num(l, 'scansPerSecond', '.load', 15, 0.1, 500),
    cardsPerTerminal: Math.round(num(l, 'cardsPerTerminal', '.load', 40, 2, 1000)),
  };
  const b = json.bounds ?? {};
  if (!isObj(b)) return fail('.bounds', 'must be an object');
  known(b, ['rssMbPerMin', 'fdPerMin'], '.bounds');
  const bounds: SoakBounds = {
    rssMbPerMin: num(b, 'rssMbPerMin', '.bounds', 2, 0, 1e6),
    fdPerMin: num(b, 'fdPerMin', '.bounds', 1, 0, 1e6),
  };
  if (!Array.isArray(json.faults)) return fail('.faults', 'must be an array');
  const faults = json.faults.map((f: unknown, i: number): SoakFaultLane => {
    const p = `.faults[${i}]`;
    if (!isObj(f)) return fail(p, 'must be an object');
    known(f, ['fault', 'startS', 'everyS', 'durationS', 'ms', 'target'], p);
    if (typeof f.fault !== 'string' || !SOAK_FAULTS.includes(f.fault as SoakFaultName))
      fail(`${p}.fault`, `must be one of ${SOAK_FAULTS.join(', ')}`);
    const fault = f.fault as SoakFaultName;
    const everyS = num(f, 'everyS', p, undefined, 0.5, 1e7);
    const durationS = num(f, 'durationS', p, undefined, 0.1, 1e7);
    if (durationS >= everyS)
      fail(`${p}.durationS`, 'must be shorter than everyS (a lane never overlaps itself)');
    const lane: SoakFaultLane = { fault, startS: num(f, 'startS', p, 0, 0, 1e7), everyS, durationS };
    let ms: number | undefined;
    if (fault === 'central-latency') ms = num(f, 'ms', p, 1500, 1, 60_000);
    else if (fault === 'clock-jump') {
      ms = num(f, 'ms', p, undefined, -86_400_000, 86_400_000);
      if (ms === 0) fail(`${p}.ms`, 'a clock jump of 0 ms is no fault');
    } else if (f.ms !== undefined) fail(`${p}.ms`, `means nothing for ${fault}`);
    let target: string | undefined;
    if (f.target !== undefined) {
      if (fault !== 'scanner-unplug') fail(`${p}.target`, `means nothing for ${fault}`);
      if (typeof f.target !== 'string' || !/^(rotate|all|t[0-9]+)$/.test(f.target))
        fail(`${p}.target`, 'must be rotate, all or a terminal id t1…');
      target = f.target as string;
      const n = Number(target.slice(1));
      if (target.startsWith('t') && (n < 1 || n > load.terminals))
        fail(`${p}.target`, `there are terminals t1…t${load.terminals}`);
    }
    return { ...lane, ...(ms === undefined ? {} : { ms }), ...(target === undefined ? {} : { target }) };
  });
  const seen = new Set<string>();
  for (const [i, f] of faults.entries()) {
    if (seen.has(f.fault)) fail(`.faults[${i}].fault`, `${f.fault} has a lane already (one lane per fault)`);
    seen.add(f.fault);
  }
  return {
    version: 1,
    load,
    warmupS: num(json, 'warmupS', '', 60, 0, 1e7),
    quietS: num(json, 'quietS', '', 20, 0, 1e7),
    bounds,
    faults,
  };
}

/** Every injection of `schedule` in a run of `durationS`, in time order. */
export function planFaults(schedule: SoakSchedule, durationS: number): SoakPlannedFault[] {
  const last = durationS - schedule.quietS;
  const out: SoakPlannedFault[] = [];
  for (const lane of schedule.faults) {
    let k = 0;
    for (let at = lane.startS; at + lane.durationS <= last; at += lane.everyS, k++) {
      const target =
        lane.fault !== 'scanner-unplug'
          ? undefined
          : lane.target === undefined || lane.target === 'rotate'
            ? `t${(k % schedule.load.terminals) + 1}`
            : lane.target === 'all'
              ? undefined
              : lane.target;
      out.push({
        fault: lane.fault,
        atS: at,
        untilS: at + lane.durationS,
        ...(lane.ms === undefined ? {} : { ms: lane.ms }),
        ...(target === undefined ? {} : { target }),
      });
    }
  }
  return out.sort((a, b) => a.atS - b.atS);
}
