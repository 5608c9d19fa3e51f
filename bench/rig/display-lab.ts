/**
 * `ehc rig display` without a reader: the code page alone, its codes from an embedded central
 * service (real generate, single use) for one registered resident. Codes get no verdict here
 * (the page says so after `missAfterMs`); point a reader at it with `ehc rig run`.
 */
import { startLab } from '../../lab/start.js';
import { type DisplayOptions, DisplayServer } from './display-server.js';
import { residentCodes } from './residents.js';

export interface DisplayLab {
  readonly url: string;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export async function startDisplayLab(o: Omit<DisplayOptions, 'nextCode'>): Promise<DisplayLab> {
  const lab = await startLab({ agents: [] });
  try {
    const app = lab.app!;
    const nextCode = await residentCodes(app);
    const d = await DisplayServer.start({ ...o, nextCode });
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
