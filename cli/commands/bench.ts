// ehc bench hsm|load|decode|latency — benchmarks
import type { CliGroups } from '../types.js';

export function registerBench(_groups: CliGroups): void {}
