/**
 * `ehc rig display` without a reader: the code page alone, its codes from an embedded central
 * service (real generate, single use) for one registered resident. Codes get no verdict here
 * (the page says so after `missAfterMs`); point a reader at it with `ehc rig run`.
 */
import { startLab } from '../../lab/start.js';
import { type DisplayOptions, DisplayServer } from './display-server.js';

export interface DisplayLab {
  readonly url: string;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startDisplayLab(o: Omit<DisplayOptions, 'nextCode'>): Promise<DisplayLab> {
  const lab = await startLab({ agents: [] });
  try {
    const app = lab.app!;
    const ehcId = await app.register({
      name: '测试',
      idType: '01',
      idNo: '110101199003070011',
      phone: '13800000000',
    });
    const d = await DisplayServer.start({ ...o, nextCode: () => app.code(ehcId) });
    return {
      url: d.url,
      done: d.done,
      async stop() {
        await d.close();
        await lab.stop();
      },
    };
  } catch (e) {
    await lab.stop();
    throw e;
  }
}
