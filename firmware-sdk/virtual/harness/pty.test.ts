import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RawEngine } from '../engines/raw/index.js';
import { PtyDevice } from './pty.js';

// Needs Linux with python3; the real serial binding opens the pty like any tty.
const available = process.platform === 'linux' && PtyDevice.available();

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

let device: PtyDevice | undefined;
let port: SerialPortStream | undefined;
afterEach(async () => {
  const p = port;
  if (p?.isOpen) await new Promise((r) => p.close(r));
  await device?.close();
  port = undefined;
  device = undefined;
});

async function open(path: string): Promise<{ port: SerialPortStream; data: Buffer[] }> {
  const p = new SerialPortStream({ binding: autoDetect(), path, baudRate: 115200, autoOpen: false });
  port = p;
  await new Promise<void>((resolve, reject) => p.open((e) => (e ? reject(e) : resolve())));
  const data: Buffer[] = [];
  p.on('data', (d: Buffer) => data.push(d));
  return { port: p, data };
}

describe.skipIf(!available)('PtyDevice', () => {
  it('is a real tty: raw bytes both ways; unplug disconnects, replug comes back under the same path', async () => {
    const engine = new RawEngine({ aim: ']Q0', terminator: '\r\n' });
    device = await PtyDevice.open(engine);
    expect(device.ttyPath).toMatch(/^\/dev\/pts\/\d+$/);
    const a = await open(device.path);
    device.link.scan(new Uint8Array([0xd5, 0xc5, 0x0d, 0x00, 0xff]));
    await until(() => Buffer.concat(a.data).length === 10);
    expect([...Buffer.concat(a.data)]).toEqual([0x5d, 0x51, 0x30, 0xd5, 0xc5, 0x0d, 0x00, 0xff, 0x0d, 0x0a]);
    a.port.write(Buffer.from([0x00, 0x0d, 0xff]));
    await until(() => engine.state.receivedBytes === 3);
    const closed = new Promise<unknown>((resolve) => a.port.once('close', resolve));
    device.link.unplug();
    expect(await closed).toMatchObject({ disconnected: true });
    device.link.replug();
    await until(() => device?.link.connected === true);
    const b = await open(device.path);
    device.link.scan('back');
    await until(() => Buffer.concat(b.data).toString().endsWith('back\r\n'));
  });
});
