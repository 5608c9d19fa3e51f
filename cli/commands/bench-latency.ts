// ehc bench latency — scan-to-verify latency (issue 7)
import type { CliGroups } from '../types.js';

export function registerBenchLatency(_groups: CliGroups): void {}
