import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RawEngine } from '../engines/raw/index.js';
import { isHarnessError } from './errors.js';
import { VirtualSerialBinding } from './serial-binding.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await turn();
  expect(cond()).toBe(true);
};

let binding: VirtualSerialBinding;
const streams: SerialPortStream[] = [];

async function openStream(path = '/dev/ttyV0'): Promise<{ port: SerialPortStream; chunks: Buffer[] }> {
  const port = new SerialPortStream({ binding, path, baudRate: 9600, autoOpen: false });
  streams.push(port);
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const chunks: Buffer[] = [];
  port.on('data', (d: Buffer) => chunks.push(d));
  return { port, chunks };
}

afterEach(async () => {
  for (const s of streams.splice(0)) if (s.isOpen) await new Promise((r) => s.close(r));
  binding?.reset();
});

describe('VirtualSerialBinding with @serialport/stream', () => {
  it('delivers what the engine sends and hands host writes to the engine', async () => {
    binding = new VirtualSerialBinding();
    const engine = new RawEngine({ aim: true });
    const link = binding.createPort('/dev/ttyV0', engine);
    const { port, chunks } = await openStream();
    link.scan('EHC');
    await until(() => chunks.length > 0);
    expect(Buffer.concat(chunks).toString()).toBe(']Q1EHC\r');
    port.write(Buffer.from('abc'));
    await until(() => engine.state.receivedBytes === 3);
  });

  it('lists plugged ports with the identity the engine reports', async () => {
    binding = new VirtualSerialBinding();
    binding.createPort('/dev/ttyV0', new RawEngine({ identity: { vid: 0x0c2e, pid: 0x0b61, serial: 'X9' } }));
    expect(await binding.list()).toEqual([
      expect.objectContaining({
        path: '/dev/ttyV0',
        vendorId: '0c2e',
        productId: '0b61',
        serialNumber: 'X9',
      }),
    ]);
    binding.link('/dev/ttyV0')?.unplug();
    expect(await binding.list()).toEqual([]);
  });

  it('opens exclusively and refuses unknown paths', async () => {
    binding = new VirtualSerialBinding();
    binding.createPort('/dev/ttyV0', new RawEngine());
    const first = await binding.open({ path: '/dev/ttyV0', baudRate: 9600 });
    await expect(binding.open({ path: '/dev/ttyV0', baudRate: 9600 })).rejects.toMatchObject({
      code: 'HARNESS_PORT_BUSY',
    });
    await expect(binding.open({ path: '/dev/nope', baudRate: 9600 })).rejects.toMatchObject({
      code: 'HARNESS_NO_SUCH_PORT',
    });
    await first.close();
    const again = await binding.open({ path: '/dev/ttyV0', baudRate: 9600 });
    await again.close();
  });

  it('rejects overlapping writes and cancels a pending read on close', async () => {
    binding = new VirtualSerialBinding();
    binding.createPort('/dev/ttyV0', new RawEngine());
    const port = await binding.open({ path: '/dev/ttyV0', baudRate: 9600 });
    const w1 = port.write(Buffer.from('a'));
    await expect(port.write(Buffer.from('b'))).rejects.toMatchObject({ code: 'HARNESS_OVERLAPPING_WRITE' });
    await w1;
    const read = port.read(Buffer.alloc(16), 0, 16);
    await turn();
    await port.close();
    const e = await read.catch((x: unknown) => x);
    expect(isHarnessError(e) && e.canceled).toBe(true);
  });

  it('unplug closes the stream as a disconnect; opening fails until replug', async () => {
    binding = new VirtualSerialBinding();
    const link = binding.createPort('/dev/ttyV0', new RawEngine());
    const { port } = await openStream();
    const closed = new Promise<unknown>((resolve) => port.once('close', resolve));
    link.unplug();
    expect(await closed).toMatchObject({ disconnected: true });
    await expect(binding.open({ path: '/dev/ttyV0', baudRate: 9600 })).rejects.toMatchObject({
      code: 'HARNESS_NO_SUCH_PORT',
    });
    link.replug();
    const { chunks } = await openStream();
    link.scan('back');
    await until(() => chunks.length > 0);
  });

  it('splits output into the configured chunks, one read each', async () => {
    binding = new VirtualSerialBinding();
    const link = binding.createPort('/dev/ttyV0', new RawEngine(), { chunking: { mode: 'fixed', size: 2 } });
    const { chunks } = await openStream();
    link.scan('12345');
    await until(() => Buffer.concat(chunks).length === 6);
    expect(chunks.map((c) => c.toString())).toEqual(['12', '34', '5\r']);
  });

  it('stall holds bytes without losing them; corrupt flips bits; emitData injects', async () => {
    binding = new VirtualSerialBinding();
    const link = binding.createPort('/dev/ttyV0', new RawEngine({ terminator: '' }));
    const { port, chunks } = await openStream();
    link.stall(true);
    link.scan('held');
    for (let i = 0; i < 20; i++) await turn();
    expect(chunks).toEqual([]);
    link.stall(false);
    await until(() => chunks.length === 1);
    link.corrupt({ bytes: 4, seed: 3 });
    link.scan('AAAA');
    await until(() => chunks.length === 2);
    expect(chunks[1]?.toString()).not.toBe('AAAA');
    expect(link.stats.corruptedBytes).toBe(4);
    (port.port as unknown as { emitData(d: string): void }).emitData('raw');
    await until(() => chunks.length === 3);
    expect(chunks[2]?.toString()).toBe('raw');
  });
});
