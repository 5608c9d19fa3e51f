import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawEngine } from '../engines/raw/index.js';
import { TcpDevice } from './tcp.js';

const devices: TcpDevice[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const d of devices.splice(0)) await d.close();
});

async function client(device: TcpDevice): Promise<{ socket: Socket; data: Buffer[]; closed: Promise<void> }> {
  const socket = connect(device.port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  const data: Buffer[] = [];
  socket.on('data', (d: Buffer) => data.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, data, closed };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('TcpDevice', () => {
  it('serves one host: scans out, writes in; a second connection is refused', async () => {
    const engine = new RawEngine();
    const device = await TcpDevice.listen(engine);
    devices.push(device);
    expect(device.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const a = await client(device);
    await until(() => device.link.connected);
    device.link.scan('one');
    await until(() => Buffer.concat(a.data).toString() === 'one\r');
    a.socket.write('xyz');
    await until(() => engine.state.receivedBytes === 3);
    const b = await client(device);
    await b.closed;
    expect(device.refused).toBe(1);
  });

  it('unplug resets the connection and refuses new ones until replug', async () => {
    const device = await TcpDevice.listen(new RawEngine());
    devices.push(device);
    const a = await client(device);
    await until(() => device.link.connected);
    device.link.unplug();
    await a.closed;
    const b = await client(device);
    await b.closed;
    device.link.replug();
    const c = await client(device);
    await until(() => device.link.connected);
    device.link.scan('again');
    await until(() => Buffer.concat(c.data).toString() === 'again\r');
  });
});
