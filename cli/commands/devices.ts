// ehc devices, ehc scan — the device layer (issue 5)
import type { CliGroups } from '../types.js';

export function registerDevices(_groups: CliGroups): void {}
