import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config/agent-config.js';
import { addUsbDevice, errno, fakeEnv } from '../fake-env.js';
import { runChecks } from '../runner.js';
import { devicesCheck } from './devices.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ehc-doctor-dev-'));

describe('doctor devices', () => {
  it('finds a known scanner by its USB ids and its tty and hidraw nodes, all openable', async () => {
    const dir = tmp();
    addUsbDevice(dir, '1-1', 0x05e0, 0x1701, ['ttyACM0']);
    addUsbDevice(dir, '1-2', 0x0c2e, 0x0b61, ['hidraw3']);
    addUsbDevice(dir, '1-3', 0x046d, 0xc31c, ['hidraw0']); // a keyboard of another vendor: ignored
    const results = await runChecks([devicesCheck], { env: fakeEnv(dir) });
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      [
        'ok',
        expect.stringMatching(/^Zebra \(Symbol\) .*05e0:1701 at USB 1-1: .*\/dev\/ttyACM0 can be opened$/),
      ],
      ['ok', expect.stringMatching(/^Honeywell .*0c2e:0b61 at USB 1-2: .*\/dev\/hidraw3 can be opened$/)],
    ]);
  });

  it('a node this user may not open names its mode, group and the udev rule', async () => {
    const dir = tmp();
    addUsbDevice(dir, '1-1', 0x05e0, 0x1701, ['ttyACM0']);
    const node = join(dir, 'dev', 'ttyACM0');
    chownSync(node, 0, 20);
    const env = fakeEnv(dir, {
      fs: {
        access: async (p) => {
          if (p === node) throw errno('EACCES');
        },
      },
    });
    const [r] = await runChecks([devicesCheck], { env });
    expect(r?.status).toBe('fail');
    expect(r?.detail).toContain(
      `${node} cannot be opened read-write by this user (mode 0644, group dialout)`,
    );
    expect(r?.fix).toContain(
      `the udev rule ${env.udevRuleFile} is missing: install it (ehc service install)`,
    );
    expect(r?.fix).toContain('usermod -aG dialout');

    mkdirSync(join(dir, 'udev'));
    writeFileSync(env.udevRuleFile, '# ehc scanners\n');
    const [again] = await runChecks([devicesCheck], { env });
    expect(again?.fix).toContain(`${env.udevRuleFile} exists but was not applied`);
  });

  it('a scanner in keyboard mode warns with how to switch it; a configured port that is missing fails', async () => {
    const dir = tmp();
    addUsbDevice(dir, '1-1', 0x05e0, 0x1200);
    const config = parseAgentConfig({
      verify: { mode: 'hsm' },
      hsm: { primary: '127.0.0.1:1818' },
      scanners: [{ id: 'window-1', port: join(dir, 'dev', 'ttyUSB9') }],
    });
    const results = await runChecks([devicesCheck], { env: fakeEnv(dir), config });
    expect(results[0]).toMatchObject({ status: 'warn', detail: expect.stringContaining('keyboard mode') });
    expect(results[0]?.fix).toContain('USB CDC Host');
    expect(results[1]).toMatchObject({ status: 'fail', detail: expect.stringContaining('window-1') });
  });

  it('no known scanner is a warning', async () => {
    const results = await runChecks([devicesCheck], { env: fakeEnv(tmp()) });
    expect(results.map((r) => [r.status, r.detail])).toEqual([['warn', 'no known scanner on USB']]);
  });
});
