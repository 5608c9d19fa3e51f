import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab.js';

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
