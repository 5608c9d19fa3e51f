// ehc bench decode — camera decoding vs baselines (issue 6)
import type { CliGroups } from '../types.js';

export function registerBenchDecode(_groups: CliGroups): void {}
