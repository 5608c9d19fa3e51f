import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from '../test/support/system-tool.js';
import { SdNotifier } from './sd-notify.js';

function recorder(fail = false) {
  const calls: string[][] = [];
  const exec = async (args: readonly string[]) => {
    calls.push([...args]);
    if (fail) throw new Error('No such file or directory');
  };
  return { calls, exec };
}

describe('SdNotifier', () => {
  it('does nothing outside systemd', async () => {
    const r = recorder();
    const n = new SdNotifier({ env: {}, exec: r.exec });
    await n.ready();
    await n.stopping();
    expect(n.enabled).toBe(false);
    expect(r.calls).toEqual([]);
  });

  it('sends READY, then WATCHDOG at half of WATCHDOG_USEC, then STOPPING and no more pings', async () => {
    const r = recorder();
    let tick: (() => void) | undefined;
    let period = 0;
    let cleared = false;
    const n = new SdNotifier({
      env: {
        NOTIFY_SOCKET: '/run/systemd/notify',
        WATCHDOG_USEC: '30000000',
        WATCHDOG_PID: String(process.pid),
      },
      exec: r.exec,
      setInterval: ((fn: () => void, ms: number) => {
        tick = fn;
        period = ms;
        return { unref() {} };
      }) as unknown as typeof setInterval,
      clearInterval: (() => {
        cleared = true;
      }) as typeof clearInterval,
    });
    await n.ready('serving');
    expect(period).toBe(15_000);
    tick!();
    await new Promise((res) => setImmediate(res));
    await n.stopping();
    expect(cleared).toBe(true);
    expect(r.calls).toEqual([
      ['--ready', '--status=serving'],
      ['WATCHDOG=1'],
      ['STOPPING=1', '--status=draining'],
    ]);
  });

  it('has no watchdog when systemd asked for none or asked another process', () => {
    const base = { NOTIFY_SOCKET: '/run/systemd/notify' };
    expect(new SdNotifier({ env: base }).watchdogIntervalMs).toBeUndefined();
    expect(
      new SdNotifier({ env: { ...base, WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1' } }).watchdogIntervalMs,
    ).toBeUndefined();
    expect(new SdNotifier({ env: { ...base, WATCHDOG_USEC: '1000000' } }).watchdogIntervalMs).toBe(500);
  });

  it('reports a failed notification and never throws', async () => {
    const r = recorder(true);
    const errors: Error[] = [];
    const n = new SdNotifier({ env: { NOTIFY_SOCKET: '/x' }, exec: r.exec, onError: (e) => errors.push(e) });
    await expect(n.ready()).resolves.toBeUndefined();
    expect(errors[0]?.message).toMatch(/systemd-notify --ready failed: No such file/);
  });

  // End to end with the real systemd-notify: a datagram socket stands in for the service manager.
  const notify = findTool('systemd-notify', 'apt-get install -y systemd');
  const python = findTool('python3', 'apt-get install -y python3');
  it.skipIf(!notify.path || !python.path)(
    'the real systemd-notify delivers READY=1 to NOTIFY_SOCKET',
    async () => {
      const socket = join(mkdtempSync(join(tmpdir(), 'ehc-notify-')), 'notify');
      const server = spawn(python.path!, [
        '-c',
        [
          'import socket, sys',
          's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
          `s.bind(${JSON.stringify(socket)})`,
          'print("bound", flush=True)',
          'for _ in range(2):',
          '    data, anc, flags, addr = s.recvmsg(4096, 1024)',
          '    print(data.decode().replace("\\n", "|"), flush=True)',
        ].join('\n'),
      ]);
      let out = '';
      server.stdout.on('data', (d) => {
        out += String(d);
      });
      await new Promise<void>((res) => server.stdout.once('data', () => res()));
      // python keeps the barrier fd until it exits, so systemd-notify (and ready()) can return
      // only after the exit: listen for it first.
      const exited = new Promise<void>((res) => server.once('exit', () => res()));
      const errors: Error[] = [];
      const n = new SdNotifier({
        env: { ...process.env, NOTIFY_SOCKET: socket },
        onError: (e) => errors.push(e),
      });
      await n.ready('serving');
      await exited;
      expect(errors).toEqual([]);
      // systemd-notify sends the state, then a BARRIER=1 it waits on (the fd closes when we exit).
      expect(out).toMatch(/READY=1\|STATUS=serving|STATUS=serving\|READY=1/);
      expect(out).toContain('BARRIER=1');
    },
  );
});
