import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { conformanceCommand, registerFirmware, startVirtualTerminal } from '../../cli/commands/firmware.js';
import type { ConformanceReport } from '../../firmware-sdk/conformance/index.js';

describe('ehc conformance / virtual-terminal', () => {
  it('registers both commands with their options', () => {
    const program = new Command('ehc');
    registerFirmware({ program, sim: new Command('sim'), bench: new Command('bench') });
    const names = program.commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['conformance', 'virtual-terminal']));
    const conf = program.commands.find((c) => c.name() === 'conformance');
    expect(conf?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--port', '--json', '--baud', '--timeout-scale']),
    );
  });

  it('`ehc conformance --port tcp://… --json` against `ehc virtual-terminal` prints every check passed, exit 0', async () => {
    const vt = await startVirtualTerminal({
      listen: 'tcp://127.0.0.1:0',
      ackTimeoutMs: '250',
      serial: 'CLI-1',
    });
    try {
      let out = '';
      const code = await conformanceCommand({ port: vt.address, json: true, heartbeatMs: '300' }, (s) => {
        out += s;
      });
      const report = JSON.parse(out) as ConformanceReport;
      expect(report.checks.filter((c) => !c.pass)).toEqual([]);
      expect(report.device?.serial).toBe('CLI-1');
      expect(code).toBe(0);
    } finally {
      await vt.close();
    }
  });

  it('exits 1 when the device does not answer, 2 on a usage error', async () => {
    let out = '';
    const code = await conformanceCommand({ port: 'tcp://127.0.0.1:1', timeoutScale: '0.1' }, (s) => {
      out += s;
    });
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}handshake\.identity/);
    expect(await conformanceCommand({ port: 'usb:1234:5678' }, () => {})).toBe(2);
    expect(await conformanceCommand({ port: 'tcp://127.0.0.1:1', baud: 'fast' }, () => {})).toBe(2);
  });
});
