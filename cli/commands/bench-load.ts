// ehc bench load — central service load test, spec §5.3 (issue 4)
import type { CliGroups } from '../types.js';

export function registerBenchLoad(_groups: CliGroups): void {}
