import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from './lab.js';

describe('the embedded lab, end to end through real sockets', () => {
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
