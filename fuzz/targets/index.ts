/** Every parser of outside bytes, in the order the report lists them. */
import type { FuzzTarget } from '../target.js';
import { camera } from './camera.js';
import { centralReply, centralRequest } from './central-envelope.js';
import { agentConfig } from './config.js';
import { deviceStream } from './device-stream.js';
import { hsmAgentSide, hsmMachineSide } from './hsm.js';
import { localApi } from './local-api.js';
import { qrText } from './qr-text.js';
import {
  growReplies,
  hidPosDescriptor,
  hidPosReports,
  honeywellMenu,
  newlandReplies,
  zebraSsi,
} from './vendors.js';

// biome-ignore lint/suspicious/noExplicitAny: a list of targets of different input types
export const TARGETS: readonly FuzzTarget<any>[] = [
  qrText,
  deviceStream,
  hsmMachineSide,
  hsmAgentSide,
  centralRequest,
  centralReply,
  zebraSsi,
  growReplies,
  newlandReplies,
  honeywellMenu,
  hidPosDescriptor,
  hidPosReports,
  agentConfig,
  localApi,
  camera,
];
