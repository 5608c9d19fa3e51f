/**
 * `ehc scan` end to end through a real pseudo-terminal: a raw-text scanner (python3 `os.openpty`)
 * writes into the master side; the CLI, spawned as its own process, opens the slave with the real
 * serial stack (`@serialport/bindings-cpp`) and prints one JSON line per scan. Then the scanner is
 * unplugged mid-frame (master closed) and the CLI is stopped by a signal.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The pty device: returns its slave path and a command function. */
async function startPtyDevice() {
  const py = spawn('python3', [join(ROOT, 'test/devices/support/pty_device.py')], { stdio: 'pipe' });
  children.push(py);
  const lines: Interface = createInterface({ input: py.stdout });
  const it = lines[Symbol.asyncIterator]();
  const path = (await it.next()).value as string;
  const command = async (cmd: Record<string, unknown>) => {
    py.stdin.write(`${JSON.stringify(cmd)}\n`);
    const r = await it.next();
    if (r.value !== 'ok') throw new Error(`pty device answered ${String(r.value)}`);
  };
  const send = (bytes: Uint8Array) => command({ write: Buffer.from(bytes).toString('hex') });
  const stop = async () => {
    py.stdin.end();
    if (py.exitCode === null) await once(py, 'exit');
  };
  return { path, send, unplug: () => command({ unplug: true }), stop };
}

function startScan(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'scan', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const waitFor = async (cond: () => boolean, what: string, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end || child.exitCode !== null) {
        throw new Error(`waiting for ${what}; stderr:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    exit,
    waitFor,
    out: () => stdout,
    err: () => stderr,
    jsonLines: () =>
      stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('ehc scan over a pseudo-terminal', () => {
  it('prints each raw-text scan as one JSON line, survives an unplug mid-frame, exits 0 on SIGINT', async () => {
    const dev = await startPtyDevice();
    const scan = startScan(['--port', dev.path, '--driver', 'raw', '--json']);
    await scan.waitFor(() => scan.err().includes('enabled (connected)'), 'the scanner to be enabled');

    const big = `EHC:${'电子健康卡'.repeat(100)}`; // 1504 bytes in UTF-8
    await dev.send(Buffer.from(']Q1ABCDEF0123456789:1\r\n'));
    await dev.send(Buffer.from('电子健康卡 张三\r'));
    await dev.send(Uint8Array.from([...iconv.encode('李四 卫生健康', 'gbk'), 0x0d]));
    const bigBytes = Buffer.from(`${big}\r`);
    await dev.send(bigBytes.subarray(0, 700));
    await dev.send(bigBytes.subarray(700));
    await scan.waitFor(() => scan.jsonLines().length === 4, 'four scans');

    await dev.send(Buffer.from('CUT-OFF-PARTIAL'));
    await new Promise((r) => setTimeout(r, 50)); // well inside the 200 ms inter-byte timeout
    await dev.unplug();
    await scan.waitFor(() => scan.err().includes('disconnected'), 'the disconnect');
    scan.child.kill('SIGINT');
    const [code] = await scan.exit;
    await dev.stop();

    expect(code).toBe(0);
    const device = `serial:${dev.path}`;
    expect(scan.jsonLines()).toEqual([
      { text: 'ABCDEF0123456789:1', symbology: 'qr_code', aim: 'Q1', charset: 'ascii', device },
      { text: '电子健康卡 张三', symbology: 'unknown', aim: null, charset: 'utf-8', device },
      { text: '李四 卫生健康', symbology: 'unknown', aim: null, charset: 'gbk', device },
      { text: big, symbology: 'unknown', aim: null, charset: 'utf-8', device },
    ]);
    expect(scan.err().match(/enabled \(disconnected\)/g)).toHaveLength(1);
    const summary = JSON.parse(/summary (\{.*\})/.exec(scan.err())![1]!) as Record<string, number>;
    expect(summary).toMatchObject({ scans: 4, partialDropped: 1, delivered: 4, disconnects: 1 });
  }, 40_000);

  it('without --driver it probes (vendor drivers first, raw text last) and reads scans', async () => {
    const dev = await startPtyDevice();
    const scan = startScan(['--port', dev.path, '--probe-timeout', '300', '--json']);
    await scan.waitFor(() => scan.err().includes('enabled (connected)'), 'the scanner to be enabled');
    expect(scan.err()).toContain('driver raw');
    await dev.send(Buffer.from('PROBED\r'));
    await scan.waitFor(() => scan.jsonLines().length === 1, 'one scan');
    scan.child.kill('SIGTERM');
    const [code] = await scan.exit;
    await dev.stop();
    expect(code).toBe(0);
    expect(scan.jsonLines().map((l) => l.text)).toEqual(['PROBED']);
  }, 40_000);

  it('with --no-reconnect it ends with exit code 1 when the scanner goes away; bad flags exit 2', async () => {
    const dev = await startPtyDevice();
    const scan = startScan(['--port', dev.path, '--driver', 'raw', '--no-reconnect', '--json']);
    await scan.waitFor(() => scan.err().includes('enabled (connected)'), 'the scanner to be enabled');
    await dev.send(Buffer.from('ONLY\r'));
    await scan.waitFor(() => scan.jsonLines().length === 1, 'one scan');
    await dev.unplug();
    const [code] = await scan.exit;
    await dev.stop();
    expect(code).toBe(1);
    expect(scan.jsonLines().map((l) => l.text)).toEqual(['ONLY']);

    const bad = startScan(['--port', '/dev/ttyDOESNOTEXIST', '--driver', 'raw']);
    const [badCode] = await bad.exit;
    expect(badCode).toBe(2);
    expect(bad.err()).toMatch(/cannot open \/dev\/ttyDOESNOTEXIST: TRANSPORT_OPEN_FAILED/);
  }, 40_000);
});
