/**
 * `ehc scan` reads scans from a real pseudo-terminal driven by a vendor device on the other end:
 * a Zebra SSI, a Honeywell, a Newland and a raw-text scanner (the byte-exact virtual engines of
 * firmware-sdk/virtual behind a pty relay). The CLI runs as its own process with the real serial
 * stack; the SSI device ships in its factory raw mode and the driver switches packet mode on.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HoneywellSerialEngine } from '../../firmware-sdk/virtual/engines/honeywell/serial-engine.js';
import { NewlandEngine } from '../../firmware-sdk/virtual/engines/newland/engine.js';
import { RawEngine } from '../../firmware-sdk/virtual/engines/raw/engine.js';
import { SsiEngine } from '../../firmware-sdk/virtual/engines/ssi/engine.js';
import { PtyDevice } from '../../firmware-sdk/virtual/harness/pty.js';
import type { DeviceEngine } from '../../firmware-sdk/virtual/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const CODE =
  '3E3CD944076BBF60BD028DC26954B22B130FB3E42993016C2D205A5F31FB0B33:0:07EDF114B1651BA63D112011E74C1EC3';
const CHINESE = '电子健康卡 张三';

const cases: [driver: string, make: () => DeviceEngine][] = [
  ['zebra-ssi', () => new SsiEngine()],
  ['honeywell', () => new HoneywellSerialEngine()],
  ['newland', () => new NewlandEngine()],
  ['raw', () => new RawEngine()],
];

describe.skipIf(!PtyDevice.available())('ehc scan over a pty, vendor devices', () => {
  for (const [driver, make] of cases) {
    it(`${driver}: prints each scan as one JSON line`, async () => {
      const dev = await PtyDevice.open(make());
      cleanup.push(() => dev.close());
      const child: ChildProcessWithoutNullStreams = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'cli/main.ts'),
          'scan',
          '--port',
          dev.path,
          '--driver',
          driver,
          '--json',
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
      cleanup.push(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('utf8');
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString('utf8');
      });
      const lines = () =>
        out
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      const waitFor = async (n: number) => {
        const end = Date.now() + 20_000;
        while (lines().length < n) {
          if (Date.now() > end || child.exitCode !== null)
            throw new Error(`waiting for ${n} scans; stderr:\n${err}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      // Wait until the driver has connected (it writes its "ready" note on stderr), then scan.
      const ready = Date.now() + 20_000;
      while (!/ready|driver/i.test(err)) {
        if (Date.now() > ready || child.exitCode !== null)
          throw new Error(`scanner did not start; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      dev.link.scan(CODE);
      await waitFor(1);
      dev.link.scan(CHINESE);
      await waitFor(2);
      const [a, b] = lines();
      expect(a).toMatchObject({ text: CODE });
      expect(b).toMatchObject({ text: CHINESE, charset: 'utf-8' });
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }, 40_000);
  }
});
