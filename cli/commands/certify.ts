// ehc certify — the networking test (issue 8)
import type { CliGroups } from '../types.js';

export function registerCertify(_groups: CliGroups): void {}
