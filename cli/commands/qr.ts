// ehc qr parse|format — the EHC QR text codec (issue 2)
import type { CliGroups } from '../types.js';

export function registerQr(_groups: CliGroups): void {}
