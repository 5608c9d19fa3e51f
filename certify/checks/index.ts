// certify/checks: the map from catalogue item id to its executable check.

import { assertChecksMatch } from '../catalogue/validate.js';
import { CATALOGUE } from '../catalogue.js';
import type { CertifySettings } from '../context.js';
import { CertifyError } from '../errors.js';
import { accountProtection, userManagement } from './accounts.js';
import { backupRestore } from './backup.js';
import { cipherMachineCut } from './cipher-cut.js';
import { fullFlow } from './full-flow.js';
import {
  generationInterface,
  monitoringInterface,
  registrationInterface,
  verificationInterface,
} from './interfaces-central.js';
import { cipherMachineInterface, terminalInterface } from './interfaces-devices.js';
import { appBackendLinks, terminalSystemLinks } from './links.js';
import { cipherMachineModel, terminalModel } from './models.js';
import { performanceCheck } from './performance.js';
import { stabilityCheck } from './stability.js';
import { appServerStandby, cipherMachineStandby, databaseStandby } from './standby.js';
import type { CertifyCheck } from './util.js';

export type { CertifyCheck } from './util.js';

/** One check per automated item of `catalogue/items.json`; some scale their time limit with `settings`. */
export const CHECKS: Readonly<Record<string, (settings: CertifySettings) => CertifyCheck>> = {
  '5.1.1-6': () => terminalSystemLinks,
  '5.1.1-7': () => appBackendLinks,
  '5.1.1-8': () => accountProtection,
  '5.2-2': () => userManagement,
  '5.2-3': () => cipherMachineModel,
  '5.2-4': () => cipherMachineCut,
  '5.2-5': () => terminalModel,
  '5.2-7': () => fullFlow,
  '5.3-1': (s) => performanceCheck('5.3-1', 'register', s),
  '5.3-2': (s) => performanceCheck('5.3-2', 'generate', s),
  '5.3-3': (s) => performanceCheck('5.3-3', 'verify', s),
  '5.3-6': stabilityCheck,
  '5.4-2': () => terminalInterface,
  '5.4-5': () => cipherMachineInterface,
  '5.4-6': () => registrationInterface,
  '5.4-7': () => generationInterface,
  '5.4-8': () => verificationInterface,
  '5.4-9': () => monitoringInterface,
  '5.5-1': appServerStandby,
  '5.5-2': () => databaseStandby,
  '5.5-3': () => backupRestore,
  '5.5-6': cipherMachineStandby,
};

// At load: the table and the map agree (an automated item without a check fails here, not mid-run).
assertChecksMatch(CATALOGUE, Object.keys(CHECKS));

/** Every check in catalogue order, for the durations in `settings`. */
export function allChecks(settings: CertifySettings): CertifyCheck[] {
  return CATALOGUE.filter((c) => c.automated).map((c) => {
    const check = CHECKS[c.id]!(settings);
    if (check.id !== c.id)
      throw new CertifyError(
        'CERTIFY_CATALOGUE',
        `catalogue: the check mapped to ${c.id} reports id ${check.id}`,
      );
    return check;
  });
}
