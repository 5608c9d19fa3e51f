// ehc hsm keygen|info|check and ehc sim hsm — the cipher machine (issue 3)
import type { CliGroups } from '../types.js';

export function registerHsm(_groups: CliGroups): void {}
