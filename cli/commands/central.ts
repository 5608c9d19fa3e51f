// ehc sim central — the central EHC service (issue 4)
import type { CliGroups } from '../types.js';

export function registerCentral(_groups: CliGroups): void {}
