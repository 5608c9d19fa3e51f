import { describe, expect, it } from 'vitest';
import { startLab } from './start.js';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('lab faults for the soak, produced for real', () => {
  it('kill -9 of the cipher machine process, disk full, clock jump, unplug; stop() leaves no process', async () => {
    const lab = await startLab({
      hsm: { process: true, links: true },
      central: { db: 'file' },
      clock: 'movable',
      terminals: [{ id: 't1', terminalCode: 'T1', channelCode: '02' }],
      agents: [{ storage: 'file', verifyMode: 'hsm', dedupeWindowMs: 0, movableScanClock: true }],
      faults: ['cipher-machine-kill', 'outbox-disk-full', 'clock-jump', 'scanner-unplug'],
    });
    let pid: number | undefined;
    try {
      const app = lab.app!;
      const id = await app.register({
        name: '测试',
        idType: '01',
        idNo: '110101199003070022',
        phone: '13900000000',
      });
      const codes = await Promise.all(Array.from({ length: 4 }, () => app.code(id)));
      const first = lab.hsm!.processes[0]!.pid;
      expect(await lab.faults.inject('cipher-machine-kill')).toMatch(/SIGKILL/);
      expect(alive(first)).toBe(false);
      expect((await lab.scan('t1', codes[0]!)).verdict.verdict).toBe('UNAVAILABLE');
      await lab.faults.clear('cipher-machine-kill');
      pid = lab.hsm!.processes[0]!.pid;
      expect(pid).not.toBe(first);
      expect(lab.hsm!.starts[0]).toBe(2);
      expect((await lab.scan('t1', codes[1]!)).verdict.verdict).toBe('VALID');

      // disk full: the database may not grow by one page
      const db = lab.agentOf('t1').agent.db;
      await lab.faults.inject('outbox-disk-full');
      expect(() =>
        db.exec('CREATE TABLE soak_probe (x BLOB); INSERT INTO soak_probe VALUES (zeroblob(65536))'),
      ).toThrow(/full/i);
      await lab.faults.clear('outbox-disk-full');
      db.exec(
        'CREATE TABLE soak_probe (x BLOB); INSERT INTO soak_probe VALUES (zeroblob(65536)); DROP TABLE soak_probe',
      );

      // the agent's scan clock jumps: the verdict is stamped two hours ahead
      await lab.faults.inject('clock-jump', { ms: 2 * 3_600_000 });
      const e = await lab.scan('t1', codes[2]!);
      expect(Date.parse(e.at) - Date.now()).toBeGreaterThan(3_600_000);
      await lab.faults.clear('clock-jump');
      expect(lab.clock.offsetMs).toBe(0);

      // unplugged: the terminal holds the scan and sends it once replugged
      await lab.faults.inject('scanner-unplug', { target: 't1' });
      const held = lab.scan('t1', codes[3]!, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(lab.devices()[0]!.connected).toBe(false);
      await lab.faults.clear('scanner-unplug');
      expect((await held).verdict.verdict).toBe('VALID');
    } finally {
      await lab.stop();
    }
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
