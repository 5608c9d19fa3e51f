import type {
  DeviceInfoMessage,
  DeviceMessageCase,
  MessageOf,
  ScanMessage,
} from '../../protocol/device/messages.js';
import type { HostPeer, Received } from './peer.js';
import type { ConformanceTimeouts } from './types.js';

/** What a check gets: the peer, the handshake's DeviceInfo, the deadlines, shared observations. */
export interface CheckContext {
  readonly peer: HostPeer;
  readonly timeouts: ConformanceTimeouts;
  readonly heartbeatIntervalMs: number;
  readonly seed: number;
  /** Set by the handshake; checks that need it fail when it is missing. */
  info: DeviceInfoMessage | undefined;
  /** Scans the checks asked for with test_scan, in order (for the sequence check). */
  readonly testScans: ScanMessage[];
}

/** A check's body: returns pass/fail and its evidence; throwing counts as a failure. */
export interface CheckSpec {
  readonly id: string;
  readonly title: string;
  run(ctx: CheckContext): Promise<{ readonly pass: boolean; readonly evidence: string }>;
}

export const pass = (evidence: string) => ({ pass: true, evidence });
export const fail = (evidence: string) => ({ pass: false, evidence });

/** Narrowing helper: the body of a received envelope if it is of case `c`. */
export function bodyOf<C extends DeviceMessageCase>(r: Received | undefined, c: C): MessageOf<C> | undefined {
  return (r?.env.body.case === c ? r.env.body.value : undefined) as MessageOf<C> | undefined;
}

/** Waits `ms` (the peer keeps logging meanwhile). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A unique printable payload for a test scan. */
export function testPayload(ctx: CheckContext, tag: string): Uint8Array {
  return new TextEncoder().encode(`EHC-CONFORMANCE:${tag}:${ctx.seed}:${ctx.testScans.length + 1}`);
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
