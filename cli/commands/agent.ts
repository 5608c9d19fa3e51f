// ehc agent, ehc verify, ehc demo — the host agent (issue 7)
import type { CliGroups } from '../types.js';

export function registerAgent(_groups: CliGroups): void {}
