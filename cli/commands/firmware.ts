// ehc conformance, ehc virtual-terminal, ehc decode — firmware SDK (issue 6)
import type { CliGroups } from '../types.js';

export function registerFirmware(_groups: CliGroups): void {}
