import { describe, expect, it } from 'vitest';
import { createHoneywellDriver } from '../../../devices/drivers/honeywell/index.js';
import { createZebraSsiDriver } from '../../../devices/drivers/zebra-ssi/index.js';
import type { Driver, DriverIo, ScanEvent } from '../../../devices/types.js';
import { HoneywellSerialEngine } from '../../../firmware-sdk/virtual/engines/honeywell/index.js';
import { SsiEngine } from '../../../firmware-sdk/virtual/engines/ssi/index.js';
import { type Chunking, VirtualLink } from '../../../firmware-sdk/virtual/harness/index.js';
import type { EhcError } from '../../../protocol/errors.js';
import { FakeClock } from './support/index.js';

/**
 * Drivers against virtual devices behind the shared harness (firmware-sdk/virtual/harness): real
 * asynchronous delivery with its chunking, corruption, garbage injection and unplug knobs. Timers
 * (driver time-outs, device resends) run on a fake clock, advanced only while the line is idle.
 */
class HarnessHost {
  readonly scans: ScanEvent[] = [];
  readonly errors: EhcError[] = [];
  readonly io: DriverIo;

  constructor(
    readonly link: VirtualLink,
    readonly driver: Driver,
    readonly clock: FakeClock,
  ) {
    this.io = {
      write: async (data) => link.fromHost(data),
      emitScan: (s) => this.scans.push({ ...s, deviceId: 'harness' }),
      emitError: (e) => this.errors.push(e),
      now: () => clock.now,
      setTimer: clock.setTimer,
    };
    link.connect({ deliver: (piece) => driver.receive(piece, clock.now) });
  }

  /** Lets the line drain; fires due timers (in `stepMs` steps) while nothing moves, until `done()`. */
  async until(done: () => boolean, stepMs = 100, maxSteps = 500): Promise<void> {
    for (let i = 0; i < maxSteps && !done(); i++) {
      for (let k = 0; k < 50 && !this.link.idle; k++) await new Promise<void>((r) => setImmediate(r));
      if (!done() && this.link.idle) this.clock.advance(stepMs);
    }
    if (!done()) throw new Error('condition not reached');
  }

  async start() {
    let info: unknown;
    let failed: unknown;
    this.driver.start(this.io).then(
      (i) => {
        info = i;
      },
      (e: unknown) => {
        failed = e;
      },
    );
    await this.until(() => info !== undefined || failed !== undefined);
    if (failed) throw failed;
    return info;
  }
}

const text = (h: HarnessHost) => h.scans.map((s) => s.text);
const random = (seed: number): Chunking => ({ mode: 'random', maxSize: 5, seed });

describe('vendor drivers behind the virtual-device harness', () => {
  it('SSI: random chunking and single-bit corruption — every scan exactly once (NAK RESEND / resends)', async () => {
    const clock = new FakeClock();
    const engine = new SsiEngine({ setTimer: clock.setTimer });
    const link = new VirtualLink(engine, { chunking: random(11) });
    const host = new HarnessHost(link, createZebraSsiDriver({ wakeup: false }), clock);
    await host.start();
    const want: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 1) link.corrupt({ bytes: 1, seed: 100 + i, direction: 'to-host' });
      const payload = `EHC-${i}-电子健康卡-${'x'.repeat(i * 11)}`;
      want.push(payload);
      link.scan(payload);
      await host.until(() => host.scans.length === want.length);
    }
    expect(text(host)).toEqual(want);
    expect(link.stats.corruptedBytes).toBe(10);
    // The damage was seen and repaired: bad checksums NAKed and resent, or skipped and re-sent.
    const { badFrames, bytesSkipped, scans } = host.driver.stats;
    expect(scans).toBe(30);
    expect(badFrames + bytesSkipped).toBeGreaterThan(0);
    expect(engine.state.resends).toBeGreaterThanOrEqual(1);
    expect(engine.state.commErrors).toBe(0);
  });

  it('SSI: injected garbage between frames is skipped and counted, never a scan', async () => {
    const clock = new FakeClock();
    const link = new VirtualLink(new SsiEngine({ setTimer: clock.setTimer }), { chunking: random(3) });
    const host = new HarnessHost(link, createZebraSsiDriver({ wakeup: false }), clock);
    await host.start();
    link.inject(new TextEncoder().encode('<<garbage>>'));
    link.scan('ONE');
    link.inject(Uint8Array.of(0xff, 0xfe, 0x41));
    link.scan('TWO');
    await host.until(() => host.scans.length === 2);
    expect(text(host)).toEqual(['ONE', 'TWO']);
    expect(host.driver.stats.bytesSkipped).toBe(11 + 3);
  });

  it('SSI: 100 unplug/replug cycles, a new driver per connection — zero lost, zero duplicated', async () => {
    const clock = new FakeClock();
    const engine = new SsiEngine({ setTimer: clock.setTimer });
    const link = new VirtualLink(engine, { chunking: random(5) });
    const delivered: string[] = [];
    const completed: string[] = [];
    for (let cycle = 0; cycle < 100; cycle++) {
      const host = new HarnessHost(link, createZebraSsiDriver({ wakeup: false }), clock);
      await host.start();
      const payload = `cycle-${cycle}`;
      link.scan(payload);
      completed.push(payload);
      await host.until(() => host.scans.length === 1);
      if (cycle % 4 === 3) link.scan(`lost-in-flight-${cycle}`); // pulled before it arrives
      delivered.push(...text(host));
      link.unplug();
      host.driver.reset({ reason: 'unplugged' });
      link.replug();
    }
    expect(delivered).toEqual(completed);
    expect(new Set(delivered).size).toBe(100);
    expect(clock.pending).toBe(0);
  });

  it('Honeywell serial: random chunking and a command racing scans — same scans, in order', async () => {
    const clock = new FakeClock();
    const link = new VirtualLink(new HoneywellSerialEngine(), { chunking: random(7) });
    const driver = createHoneywellDriver();
    const host = new HarnessHost(link, driver, clock);
    const info = (await host.start()) as { model: string };
    expect(info.model).toContain('virtual');
    const want = Array.from({ length: 20 }, (_, i) => `患者${i}:${'9'.repeat(i * 7)}`);
    for (const w of want.slice(0, 10)) link.scan(w);
    await host.until(() => host.scans.length === 10);
    for (const w of want.slice(10)) link.scan(w);
    await host.until(() => host.scans.length === 20);
    expect(text(host)).toEqual(want);
  });
});
