// ehc bench hsm — cipher machine throughput (issue 3)
import type { CliGroups } from '../types.js';

export function registerBenchHsm(_groups: CliGroups): void {}
