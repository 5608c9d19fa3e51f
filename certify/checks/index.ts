// certify/checks: one executable check per automated catalogue item.
import type { CertifySettings } from '../context.js';
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
import { performanceChecks } from './performance.js';
import { stabilityCheck } from './stability.js';
import { appServerStandby, cipherMachineStandby, databaseStandby } from './standby.js';
import type { CertifyCheck } from './util.js';

export type { CertifyCheck } from './util.js';

/** Every check, for the durations in `settings` (their time limits scale with them). */
export function allChecks(settings: CertifySettings): CertifyCheck[] {
  return [
    terminalSystemLinks,
    appBackendLinks,
    accountProtection,
    userManagement,
    cipherMachineModel,
    cipherMachineCut,
    terminalModel,
    fullFlow,
    ...performanceChecks(settings),
    stabilityCheck(settings),
    terminalInterface,
    cipherMachineInterface,
    registrationInterface,
    generationInterface,
    verificationInterface,
    monitoringInterface,
    appServerStandby(settings),
    databaseStandby,
    backupRestore,
    cipherMachineStandby(settings),
  ];
}
