/**
 * The native virtual terminal behind a real pseudo-terminal, opened by the production serial
 * transport (bindings-cpp) and driven by the native driver with real timers: the path a terminal
 * maker's device takes over USB CDC-ACM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NativeDriver } from '../../devices/drivers/native/index.js';
import { SerialTransport } from '../../devices/transports/serial.js';
import type { DriverIo, ScanEvent } from '../../devices/types.js';
import { PtyDevice } from '../../firmware-sdk/virtual/harness/pty.js';
import { NativeTerminal } from '../../firmware-sdk/virtual/native/index.js';

const available = process.platform === 'linux' && PtyDevice.available();
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!available)('native terminal over a pseudo-terminal', () => {
  it('identity, a scan acknowledged and delivered once, a command answered', async () => {
    const terminal = new NativeTerminal({ identity: { serial: 'PTY-1' }, runtime: { ackTimeoutMs: 200 } });
    cleanups.push(() => terminal.dispose());
    const pty = await PtyDevice.open(terminal);
    cleanups.push(() => pty.close());
    const transport = new SerialTransport({ path: pty.path, baudRate: 115200 });
    const driver = new NativeDriver();
    const scans: ScanEvent[] = [];
    const timers = new Set<NodeJS.Timeout>();
    const io: DriverIo = {
      write: (d) => transport.write(d),
      emitScan: (s) => void scans.push({ ...s, deviceId: pty.path }),
      emitError: () => {},
      now: () => process.hrtime.bigint(),
      setTimer: (ms, fn) => {
        const t = setTimeout(() => {
          timers.delete(t);
          fn();
        }, ms);
        timers.add(t);
        return () => {
          clearTimeout(t);
          timers.delete(t);
        };
      },
    };
    transport.on('data', (chunk, at) => driver.receive(chunk, at));
    await transport.open();
    cleanups.push(async () => {
      driver.reset({ reason: 'closed' });
      await transport.close();
      for (const t of timers) clearTimeout(t);
    });
    await expect(driver.start(io)).resolves.toMatchObject({ serial: 'PTY-1', certifiedModelId: 'EHC-VT-1' });
    pty.link.scan('EHC-ID:1');
    await until(() => scans.length === 1 && terminal.runtime.state.pendingScans === 0);
    await driver.beep('bad');
    expect(terminal.feedback.beeps.at(-1)).toEqual({ kind: 'bad', count: 1 });
    await new Promise((r) => setTimeout(r, 450));
    expect(scans.map((s) => s.text)).toEqual(['EHC-ID:1']);
    expect(driver.stats.duplicates).toBe(0);
  });
});
