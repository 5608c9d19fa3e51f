// Every command module, in the order `ehc --help` lists them. Each file owns its commands.
import type { RegisterCommands } from '../types.js';
import { registerAgent } from './agent.js';
import { registerBenchDecode } from './bench-decode.js';
import { registerBenchHsm } from './bench-hsm.js';
import { registerBenchLatency } from './bench-latency.js';
import { registerBenchLoad } from './bench-load.js';
import { registerCentral } from './central.js';
import { registerCertify } from './certify.js';
import { registerDb } from './db.js';
import { registerDevices } from './devices.js';
import { registerDoctor } from './doctor.js';
import { registerFirmware } from './firmware.js';
import { registerHsm } from './hsm.js';
import { registerQr } from './qr.js';
import { registerRig } from './rig.js';
import { registerService } from './service.js';
import { registerSoak } from './soak.js';

export const commandModules: readonly RegisterCommands[] = [
  registerQr,
  registerHsm,
  registerCentral,
  registerDb,
  registerDevices,
  registerDoctor,
  registerFirmware,
  registerAgent,
  registerCertify,
  registerService,
  registerBenchHsm,
  registerBenchLoad,
  registerBenchDecode,
  registerBenchLatency,
  registerRig,
  registerSoak,
];
