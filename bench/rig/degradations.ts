/**
 * What the virtual camera's optics do to each screen frame (`--degrade`): a phone screen seen by
 * a kiosk camera — lower resolution than the screen, slightly tilted, a little out of focus,
 * moiré from the screen's pixel grid, a reflection, sensor noise. `none` is a perfect camera.
 */
import type { DegradeStep } from '../../firmware-sdk/render/degrade.js';
import { EhcError } from '../../protocol/errors.js';

export const DEGRADE_PRESETS: Readonly<Record<string, readonly DegradeStep[]>> = {
  none: [],
  mild: [
    { kind: 'scale', params: { factor: 0.8 } },
    { kind: 'blur', params: { sigma: 0.6 } },
    { kind: 'noise', params: { sigma: 3 } },
  ],
  realistic: [
    { kind: 'scale', params: { factor: 0.5 } },
    { kind: 'perspective', params: { strength: 0.08 } },
    { kind: 'blur', params: { sigma: 0.8 } },
    { kind: 'moire', params: { period: 7, amplitude: 0.15 } },
    { kind: 'glare', params: { strength: 0.35, radius: 60 } },
    { kind: 'noise', params: { sigma: 4 } },
  ],
};

export const DEFAULT_DEGRADE = 'realistic';

export function degradePreset(name: string): readonly DegradeStep[] {
  const p = DEGRADE_PRESETS[name];
  if (!p)
    throw new EhcError(
      'RIG_BAD_OPTION',
      `unknown degradation "${name}" (one of ${Object.keys(DEGRADE_PRESETS).join(', ')})`,
    );
  return p;
}
