/**
 * The conformance suite end to end, over the project's real host transports: against the native
 * virtual terminal it passes every check; against deliberately broken terminals it fails exactly
 * the check that matches the defect.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../devices/transports/serial.js';
import { TcpTransport } from '../../devices/transports/tcp.js';
import {
  CONFORMANCE_CHECKS,
  type ConformanceReport,
  runConformance,
} from '../../firmware-sdk/conformance/index.js';
import { VirtualSerialBinding } from '../../firmware-sdk/virtual/harness/serial-binding.js';
import { TcpDevice } from '../../firmware-sdk/virtual/harness/tcp.js';
import { FaultyEngine, NativeTerminal, type TerminalFault } from '../../firmware-sdk/virtual/native/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const RUN = {
  heartbeatIntervalMs: 300,
  timeouts: { helloMs: 1500, commandMs: 1500, slowCommandMs: 3000, rebootMs: 3000 },
};

function terminal(): NativeTerminal {
  const t = new NativeTerminal({ runtime: { ackTimeoutMs: 250 }, rebootDelayMs: 30 });
  cleanups.push(() => t.dispose());
  return t;
}

async function overTcp(fault?: TerminalFault): Promise<ConformanceReport> {
  const t = terminal();
  const device = await TcpDevice.listen(fault ? new FaultyEngine(t, fault) : t);
  cleanups.push(() => device.close());
  return runConformance({
    ...RUN,
    port: device.url,
    open: async () => new TcpTransport({ url: device.url }),
  });
}

async function overSerial(): Promise<ConformanceReport> {
  const binding = new VirtualSerialBinding();
  binding.createPort('/dev/ttyEHC0', terminal());
  cleanups.push(() => binding.reset());
  const open = async () => new SerialTransport({ path: '/dev/ttyEHC0', baudRate: 115200, binding });
  return runConformance({ ...RUN, port: '/dev/ttyEHC0', open });
}

const failing = (r: ConformanceReport) => r.checks.filter((c) => !c.pass).map((c) => c.id);

describe('conformance suite', () => {
  // Independent devices, so the runs go in parallel (most of a run is waiting).
  const runs = Promise.all([
    overSerial(),
    overTcp(),
    overTcp({ kind: 'never-resend' }),
    overTcp({ kind: 'ignore-command', op: 'beep' }),
    overTcp({ kind: 'slow-heartbeat', factor: 3 }),
  ]);

  it('passes every check against the virtual terminal, over a serial binding and over TCP', async () => {
    const [serial, tcp] = await runs;
    for (const r of [serial, tcp]) {
      expect(r.checks.map((c) => c.id)).toEqual(CONFORMANCE_CHECKS.map((c) => c.id));
      expect(failing(r), JSON.stringify(r.checks.filter((c) => !c.pass))).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.device).toMatchObject({ vendor: 'EHC Virtual', model: 'VT-1', certifiedModelId: 'EHC-VT-1' });
      expect(r.checks.every((c) => c.evidence.length > 0)).toBe(true);
    }
  });

  it('a terminal that never re-sends fails exactly scan.resend', async () => {
    const r = (await runs)[2];
    expect(failing(r)).toEqual(['scan.resend']);
    expect(r.passed).toBe(false);
  });

  it('a terminal that ignores beep fails exactly command.beep', async () => {
    const r = (await runs)[3];
    expect(failing(r)).toEqual(['command.beep']);
    expect(r.checks.find((c) => c.id === 'command.beep')?.evidence).toMatch(/no reply within/);
  });

  it('a terminal with slow heartbeats fails exactly heartbeat.timing', async () => {
    const r = (await runs)[4];
    expect(failing(r)).toEqual(['heartbeat.timing']);
  });

  it('reports a device that is not there as failed checks, not an exception', async () => {
    const r = await runConformance({
      port: 'tcp://127.0.0.1:1',
      timeouts: { helloMs: 200, commandMs: 200, slowCommandMs: 200, rebootMs: 200 },
      open: async () => new TcpTransport({ url: 'tcp://127.0.0.1:1', connectTimeoutMs: 500 }),
    });
    expect(r.passed).toBe(false);
    expect(r.checks).toHaveLength(CONFORMANCE_CHECKS.length);
    expect(r.checks[0]?.evidence).toMatch(/TRANSPORT_/);
  });
});
