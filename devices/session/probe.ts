/**
 * Choosing a driver by asking the device: each candidate's `start()` runs on the open transport
 * with a short timeout; the first that answers wins. Put drivers that always answer (raw text)
 * last. A transport that goes away during probing ends it.
 */
import { type EhcError, isEhcError } from '../../protocol/errors.js';
import type { DriverOptions, DriverRegistry } from '../drivers/registry.js';
import { type Clock, systemClock } from '../transports/clock.js';
import { DeviceError } from '../transports/errors.js';
import type { DeviceInfo, DisconnectCause, Driver, DriverName, Transport } from '../types.js';
import { ConnectionIo } from './connection-io.js';
import { withTimeout } from './with-timeout.js';

export interface ProbeOptions {
  readonly registry: DriverRegistry;
  /** Drivers to try, in order; ones the registry does not have are skipped. */
  readonly candidates: readonly DriverName[];
  readonly driverOptions?: DriverOptions;
  readonly clock?: Clock;
  /** Per-driver limit; defaults to 1500 ms. */
  readonly timeoutMs?: number;
}

export interface ProbeAttempt {
  readonly driver: DriverName;
  readonly error: EhcError;
}

export interface ProbeResult {
  readonly driverName: DriverName;
  readonly info: DeviceInfo;
  /** Candidates that did not answer, before the winner. */
  readonly failed: readonly ProbeAttempt[];
}

function asError(name: DriverName, e: unknown): EhcError {
  return isEhcError(e) ? e : new DeviceError('DEVICE_NO_ANSWER', `${name} failed`, { cause: e });
}

export async function probeDriver(transport: Transport, options: ProbeOptions): Promise<ProbeResult> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 1500;
  const failed: ProbeAttempt[] = [];
  let lost: DisconnectCause | undefined;
  const onLost = (cause: DisconnectCause) => {
    lost = cause;
  };
  transport.on('disconnected', onLost);
  try {
    if (!transport.isOpen) await transport.open();
    for (const name of options.candidates) {
      if (!options.registry.has(name)) continue;
      if (lost) break;
      let driver: Driver;
      try {
        driver = await options.registry.create(name, options.driverOptions ?? {});
      } catch (e) {
        failed.push({ driver: name, error: asError(name, e) });
        continue;
      }
      const io = new ConnectionIo(transport, clock, { scan: () => undefined, error: () => undefined });
      const feed = (chunk: Uint8Array, at: bigint) => driver.receive(chunk, at);
      transport.on('data', feed);
      try {
        const info = await withTimeout(
          driver.start(io),
          clock,
          timeoutMs,
          () => new DeviceError('DEVICE_TIMEOUT', `${name} did not answer within ${timeoutMs} ms`),
        );
        return { driverName: name, info, failed };
      } catch (e) {
        failed.push({ driver: name, error: asError(name, e) });
      } finally {
        transport.off('data', feed);
        driver.reset(lost ?? { reason: 'closed' });
        io.dispose();
      }
    }
  } finally {
    transport.off('disconnected', onLost);
  }
  const tried = failed.map((f) => `${f.driver}: ${f.error.code}`).join('; ');
  throw new DeviceError(
    'DEVICE_PROBE_FAILED',
    lost
      ? `${transport.identity.path} went away while probing`
      : `no driver answered on ${transport.identity.path}${tried ? ` (${tried})` : ''}`,
    { cause: failed[failed.length - 1]?.error },
  );
}
