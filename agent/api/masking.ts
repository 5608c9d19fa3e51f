import type { ConsoleDevice, ConsoleSnapshot, MaskedHolder, Stage, VerdictEvent } from '../types.js';

/**
 * Last line of defence before data leaves the agent: the runtime already masks, and these
 * functions re-mask anything that still shows more than the agreed characters. Output objects
 * are built field by field from a whitelist, so a field the runtime adds later is not exposed by
 * accident.
 */

/** Keeps `head` leading and `tail` trailing characters; the rest become `*`. Code points, not units. */
export function maskMiddle(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return (
    chars.slice(0, head).join('') +
    '*'.repeat(chars.length - head - tail) +
    chars.slice(chars.length - tail).join('')
  );
}

/** Re-masks `value` when more than `head + tail` characters are visible (not `*`). */
export function ensureMasked(value: string, head: number, tail: number): string {
  const visible = [...value].filter((c) => c !== '*' && c !== '•' && c !== '…').length;
  return visible > head + tail ? maskMiddle(value, head, tail) : value;
}

/** An EHC-ID shows its first 8 and last 4 hex digits at most. */
export function maskEhcId(value: string): string {
  const hex = value.match(/[0-9A-Fa-f]/g)?.length ?? 0;
  return hex > 12 ? maskMiddle(value.replace(/[^0-9A-Fa-f]/g, ''), 8, 4) : value;
}

/** Free text (a verdict's `detail`): long digit runs (ID, phone numbers) and long hex runs are masked. */
export function scrubText(text: string): string {
  return text
    .slice(0, 500)
    .replace(/[0-9A-Fa-f]{16,}/g, (m) => maskMiddle(m, 8, 4))
    .replace(/\d{6,}[0-9Xx]?/g, (m) => maskMiddle(m, 3, 4));
}

export function maskHolder(holder: MaskedHolder): MaskedHolder {
  return {
    ...(holder.name === undefined ? {} : { name: ensureMasked(holder.name, 1, 0) }),
    ...(holder.idNo === undefined ? {} : { idNo: ensureMasked(holder.idNo, 3, 4) }),
    ...(holder.phone === undefined ? {} : { phone: ensureMasked(holder.phone, 3, 4) }),
  };
}

const STAGES: readonly Stage[] = ['transport', 'parse', 'verify', 'feedback', 'total'];

/** A VerdictEvent as the API sends it: whitelisted fields, personal data masked again. */
export function publicEvent(event: VerdictEvent): VerdictEvent {
  const v = event.verdict;
  const detail = 'detail' in v && typeof v.detail === 'string' ? { detail: scrubText(v.detail) } : {};
  const verdict: VerdictEvent['verdict'] =
    v.verdict === 'VALID'
      ? { verdict: 'VALID', by: v.by, ...(v.holder === undefined ? {} : { holder: maskHolder(v.holder) }) }
      : v.verdict === 'INVALID'
        ? { verdict: 'INVALID', reason: v.reason, by: v.by, ...detail }
        : { verdict: 'UNAVAILABLE', reason: v.reason, by: v.by, ...detail };
  const stagesMs: Partial<Record<Stage, number>> = {};
  for (const s of STAGES) {
    const ms = event.stagesMs[s];
    if (typeof ms === 'number' && Number.isFinite(ms)) stagesMs[s] = ms;
  }
  return {
    id: event.id,
    at: event.at,
    deviceId: event.deviceId,
    ...(event.kind === undefined ? {} : { kind: event.kind }),
    ...(event.ehcIdMasked === undefined ? {} : { ehcIdMasked: maskEhcId(event.ehcIdMasked) }),
    verdict,
    stagesMs,
  };
}

const finite = (xs: readonly number[]): number[] =>
  xs.filter((x) => typeof x === 'number' && Number.isFinite(x));

function publicDevice(d: ConsoleDevice): ConsoleDevice {
  const l = d.lastScan;
  return {
    id: d.id,
    driver: d.driver,
    path: d.path,
    connected: d.connected,
    state: d.state,
    ...(d.info === undefined
      ? {}
      : {
          info: {
            vendor: d.info.vendor,
            model: d.info.model,
            firmware: d.info.firmware,
            serial: d.info.serial,
            ...(d.info.certifiedModelId === undefined ? {} : { certifiedModelId: d.info.certifiedModelId }),
          },
        }),
    ...(l === undefined
      ? {}
      : {
          lastScan: {
            at: l.at,
            verdict: l.verdict,
            ...(l.reason === undefined ? {} : { reason: scrubText(l.reason) }),
            ...(l.ehcIdMasked === undefined ? {} : { ehcIdMasked: maskEhcId(l.ehcIdMasked) }),
          },
        }),
  };
}

/** The console snapshot as the API sends it: whitelisted fields, EHC-IDs masked again. */
export function publicSnapshot(s: ConsoleSnapshot): ConsoleSnapshot {
  const stages = {} as Record<Stage, number[]>;
  for (const st of STAGES) stages[st] = finite(s.stages[st] ?? []);
  const cm = s.cipherMachine;
  const c = s.central;
  const o = s.outbox;
  return {
    at: s.at,
    devices: s.devices.map(publicDevice),
    stages,
    window: s.window,
    outbox: {
      pending: o.pending,
      parked: o.parked,
      delivered: o.delivered,
      ...(o.lastDeliveryAt === undefined ? {} : { lastDeliveryAt: o.lastDeliveryAt }),
    },
    ...(cm === undefined
      ? {}
      : {
          cipherMachine: {
            available: cm.available,
            active: cm.active,
            endpoints: cm.endpoints.map((e) => ({ endpoint: e.endpoint, up: e.up })),
          },
        }),
    ...(c === undefined
      ? {}
      : {
          central: {
            active: c.active,
            ...(c.available === undefined ? {} : { available: c.available }),
            ...(c.lastAnswerAt === undefined ? {} : { lastAnswerAt: c.lastAnswerAt }),
            ...(c.lastUnavailableAt === undefined ? {} : { lastUnavailableAt: c.lastUnavailableAt }),
            ...(c.lastUnavailableReason === undefined
              ? {}
              : { lastUnavailableReason: scrubText(c.lastUnavailableReason) }),
          },
        }),
    certify:
      s.certify === null
        ? null
        : {
            at: s.certify.at,
            result: s.certify.result,
            ...(s.certify.detail === undefined ? {} : { detail: scrubText(s.certify.detail) }),
          },
  };
}
