import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockBinding } from '../../test/devices/support/mock-binding.js';
import { UnpluggableBinding } from '../../test/devices/support/unpluggable-binding.js';
import type { DisconnectCause } from '../types.js';
import { isTransportError } from './errors.js';
import { NativeLoader } from './native.js';
import { SerialTransport } from './serial.js';

const PATH = '/dev/ttyMOCK0';

function collect(t: SerialTransport) {
  const chunks: Uint8Array[] = [];
  const ends: DisconnectCause[] = [];
  t.on('data', (c) => chunks.push(Uint8Array.from(c)));
  t.on('disconnected', (c) => ends.push(c));
  const text = () => Buffer.concat(chunks).toString('latin1');
  return { chunks, ends, text };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('SerialTransport over @serialport/binding-mock', () => {
  beforeEach(() => MockBinding.createPort(PATH, { record: true }));
  afterEach(() => MockBinding.reset());

  it('opens, accepts concurrent writes, closes once', async () => {
    const t = new SerialTransport({ path: PATH, binding: MockBinding });
    const got = collect(t);
    await t.open();
    expect(t.isOpen).toBe(true);
    expect(t.identity.path).toBe(PATH);
    await Promise.all([
      t.write(Uint8Array.of(1, 2)),
      t.write(Uint8Array.of(3)),
      t.write(Uint8Array.of(4, 5)),
    ]);
    await t.close();
    expect(got.ends).toEqual([{ reason: 'closed' }]);
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(9))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    // Closing twice is a no-op and does not emit again.
    await t.close();
    expect(got.ends).toHaveLength(1);
  });

  it('reads what the device sends and records what the host writes', async () => {
    const binding = new UnpluggableBinding();
    MockBinding.createPort('/dev/ttyMOCK1', { record: true });
    const t = new SerialTransport({ path: '/dev/ttyMOCK1', binding: binding.asBinding() });
    const got = collect(t);
    const times: bigint[] = [];
    t.on('data', (_c, at) => times.push(at));
    await t.open();
    const port = binding.port('/dev/ttyMOCK1');
    port.emitData(Buffer.from('HEL'));
    await until(() => got.text() === 'HEL', 'data');
    port.emitData(Buffer.from('LO\r'));
    await until(() => got.text() === 'HELLO\r', 'data');
    expect(times).toHaveLength(2);
    expect(times[1]! >= times[0]!).toBe(true);
    await t.write(Uint8Array.of(0x16, 0x54, 0x0d));
    await t.write(Uint8Array.of(0x16, 0x55, 0x0d));
    expect([...port.recording]).toEqual([0x16, 0x54, 0x0d, 0x16, 0x55, 0x0d]);
    await t.close();
  });

  it('an unplug gives exactly one disconnected (unplugged), no data after it, and a reopen works', async () => {
    const binding = new UnpluggableBinding();
    const t = new SerialTransport({ path: PATH, binding: binding.asBinding() });
    const got = collect(t);
    await t.open();
    binding.port(PATH).emitData(Buffer.from('AB'));
    await until(() => got.text() === 'AB', 'first bytes');
    binding.port(PATH).unplug();
    await until(() => got.ends.length === 1, 'disconnect');
    expect(got.ends[0]?.reason).toBe('unplugged');
    expect(isTransportError(got.ends[0]?.error)).toBe(true);
    expect(got.ends[0]?.error?.code).toBe('TRANSPORT_DISCONNECTED');
    expect(got.ends[0]?.error?.cause).toBeInstanceOf(Error);
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await t.close();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(got.ends).toHaveLength(1);

    // Replug: the same transport opens again (the port lock was released) and reads again.
    await t.open();
    binding.port(PATH).emitData(Buffer.from('CD'));
    await until(() => got.text() === 'ABCD', 'data after replug');
    await t.close();
    expect(got.ends.map((e) => e.reason)).toEqual(['unplugged', 'closed']);
  });

  it('a missing port or a locked port fails the open with TRANSPORT_OPEN_FAILED and leaves it closed', async () => {
    const missing = new SerialTransport({ path: '/dev/ttyNOPE', binding: MockBinding });
    const err = await missing.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(missing.isOpen).toBe(false);

    const a = new SerialTransport({ path: PATH, binding: MockBinding });
    const b = new SerialTransport({ path: PATH, binding: MockBinding });
    await a.open();
    await expect(b.open()).rejects.toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
    await expect(a.open()).rejects.toMatchObject({ code: 'TRANSPORT_OPEN_FAILED' });
    await a.close();
    await b.open();
    await b.close();
  });

  it('a binding that cannot load gives TRANSPORT_UNAVAILABLE naming the fix', async () => {
    const loader = new NativeLoader({
      serial: () => Promise.reject(new Error('Cannot find module bindings.node')),
      hid: () => Promise.reject(new Error('unused')),
      usb: () => Promise.reject(new Error('unused')),
    });
    const t = new SerialTransport({ path: PATH, loader });
    const err = await t.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRANSPORT_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/@serialport\/bindings-cpp/);
    expect((err as Error).message).toMatch(/npm ci/);
    expect(t.isOpen).toBe(false);
  });

  it('validates its options', () => {
    expect(() => new SerialTransport({ path: '' })).toThrow(TypeError);
    expect(() => new SerialTransport({ path: PATH, baudRate: 0 })).toThrow(/baudRate/);
  });
});
