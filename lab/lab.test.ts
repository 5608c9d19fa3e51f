import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TERMINALS, Lab } from './lab.js';
import { startLab } from './start.js';

describe('the embedded lab, end to end through real sockets', () => {
  it('a kiosk camera reads a tilted, noisy phone screen through the real decoder; the code is VALID', async () => {
    const camLab = await Lab.start({
      terminals: [
        {
          id: 'kiosk-cam',
          terminalCode: 'KIOSK-CAM',
          channelCode: '02',
          camera: {
            degrade: [
              { kind: 'rotation', params: { degrees: 14 } },
              { kind: 'glare', params: { strength: 0.35, radius: 30 } },
              { kind: 'noise', params: { sigma: 10 } },
            ],
          },
        },
      ],
    });
    try {
      const id = await camLab.app.register({
        name: '王五',
        idType: '01',
        idNo: '110101199001011234',
        phone: '13700001111',
      });
      const code = await camLab.app.code(id);
      const e = await camLab.scan('kiosk-cam', code, 10_000);
      expect(e.verdict.verdict).toBe('VALID');
      expect(e.kind).toBe('dynamic');
      // The frame really goes through the decoder: text that is no QR payload of ours still
      // decodes (and is refused by the agent), and the terminal counts no decode failure.
      const garbled = await camLab.scan('kiosk-cam', 'NOT-AN-EHC-CODE', 10_000);
      expect(garbled.verdict).toMatchObject({ verdict: 'INVALID', reason: 'malformed' });
      expect(camLab.terminal('kiosk-cam').engine.state.decodeFailures).toBe(0);
    } finally {
      await camLab.close();
    }
  }, 30_000);

  it('a frame the camera cannot read produces no scan at all (counted as a decode failure)', async () => {
    const blurLab = await Lab.start({
      terminals: [
        {
          id: 'kiosk-blur',
          terminalCode: 'KIOSK-B',
          channelCode: '02',
          camera: { degrade: [{ kind: 'blur', params: { sigma: 12 } }] },
        },
      ],
    });
    try {
      await expect(blurLab.scan('kiosk-blur', 'ANY-TEXT', 1500)).rejects.toMatchObject({
        code: 'LAB_SCAN_TIMEOUT',
      });
      expect(blurLab.terminal('kiosk-blur').engine.state.decodeFailures).toBe(1);
    } finally {
      await blurLab.close();
    }
  }, 30_000);

  let lab: Lab;
  beforeAll(async () => {
    lab = await Lab.start();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('a registered resident’s dynamic code is VALID once at the window, then refused at the kiosk', async () => {
    const ehcId = await lab.app.register({
      name: '张三',
      idType: '01',
      idNo: '11010020171225006X',
      phone: '13812341234',
    });
    const code = await lab.app.code(ehcId);
    const first = await lab.scan('window-1', code);
    expect(first.verdict).toMatchObject({ verdict: 'VALID', by: 'chain' });
    const again = await lab.scan('kiosk-1', code);
    expect(again.verdict).toMatchObject({ verdict: 'INVALID', reason: 'replayed' });
  });
});

describe('startLab: one stop() releases everything', () => {
  const resources = (): string[] =>
    process
      .getActiveResourcesInfo()
      .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')
      .sort();
  const canBind = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('a full lab (TLS, two machines with links, two central instances, admin, faults) leaves no handle, file or port', async () => {
    await settle();
    const before = resources();
    const lab = await startLab({
      tls: true,
      hsm: { machines: 2, links: true },
      central: { instances: 2, admin: true },
      monitoring: true,
      terminals: [
        { id: 'w', terminalCode: 'T-W', channelCode: '01' },
        { id: 'r', terminalCode: 'T-R', channelCode: '02', protocol: 'raw', agent: 'second' },
      ],
      agents: [{ name: 'first', admin: true, api: true, storage: 'file' }, { name: 'second' }],
      clock: 'movable',
      faults: ['cipher-machine-links', 'central-primary'],
    });
    const dir = lab.dir!;
    const ports = [
      ...lab.hsm!.ports,
      ...lab.hsm!.proxies.map((p) => p.port),
      ...lab.central!.ports,
      lab.central!.lb!.port,
      ...[...lab.terminals.values()].map((t) => t.device.port),
    ];
    const ehcId = await lab.app!.register({
      name: '王五',
      idType: '01',
      idNo: '110101199001011234',
      phone: '13700001111',
    });
    expect((await lab.scan('w', await lab.app!.code(ehcId))).verdict.verdict).toBe('VALID');
    expect(await lab.faults.inject('cipher-machine-links')).toMatch(/cut/);
    lab.clock.advance(60_000);
    expect(existsSync(dir)).toBe(true);
    await lab.stop();
    await lab.stop(); // idempotent
    await settle();
    expect(existsSync(dir)).toBe(false);
    expect(resources()).toEqual(before);
    for (const p of ports) expect(await canBind(p)).toBe(true);
  }, 30_000);

  it('a start that fails halfway (the second cipher machine’s port is taken) releases the first', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    await settle();
    const before = resources();
    try {
      await expect(
        startLab({ tls: true, hsm: { machines: 2, ports: [0, taken] }, terminals: DEFAULT_TERMINALS }),
      ).rejects.toThrow();
      await settle();
      expect(resources()).toEqual(before);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 30_000);

  it('drives vendor emulators (raw and Zebra SSI) through the agent', async () => {
    const lab = await startLab({
      terminals: [
        { id: 'raw', terminalCode: 'T-RAW', channelCode: '01', protocol: 'raw' },
        { id: 'ssi', terminalCode: 'T-SSI', channelCode: '01', protocol: 'zebra-ssi' },
      ],
    });
    try {
      for (const id of ['raw', 'ssi'])
        expect((await lab.scan(id, 'NOT-AN-EHC-CODE')).verdict).toMatchObject({ reason: 'malformed' });
    } finally {
      await lab.stop();
    }
  }, 30_000);
});
