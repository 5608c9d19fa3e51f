/**
 * Wall-clock ↔ instant conversion for a named time zone, without a date library. The validity
 * time in an EHC dynamic code is local time (Asia/Shanghai as deployed: a fixed UTC+8 since 1991).
 * Offsets are cached per zone and UTC hour, so the hot path costs a Map lookup.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();
const HOUR = 3_600_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for an unknown zone (checked once at configuration time by callers). */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Offset of `timeZone` from UTC, in ms, at the given instant. */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  const hourIndex = Math.floor(instantMs / HOUR);
  const key = `${timeZone}|${hourIndex}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatter(timeZone).formatToParts(new Date(hourIndex * HOUR));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const offset = asUtc - hourIndex * HOUR;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function toWallClock(instantMs: number, timeZone: string): WallClock {
  const d = new Date(instantMs + zoneOffsetMs(timeZone, instantMs));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The instant a wall-clock time denotes in `timeZone`; undefined if it is not a real date. */
export function fromWallClock(w: WallClock, timeZone: string): number | undefined {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const back = new Date(asUtc);
  if (
    back.getUTCFullYear() !== w.year ||
    back.getUTCMonth() !== w.month - 1 ||
    back.getUTCDate() !== w.day ||
    w.hour > 23 ||
    w.minute > 59 ||
    w.second > 59
  ) {
    return undefined;
  }
  // Two passes settle DST transitions; fixed-offset zones settle in one.
  let instant = asUtc - zoneOffsetMs(timeZone, asUtc);
  instant = asUtc - zoneOffsetMs(timeZone, instant);
  return instant;
}
