import { GrowEngine } from '../firmware-sdk/virtual/engines/grow/engine.js';
import { HoneywellSerialEngine } from '../firmware-sdk/virtual/engines/honeywell/serial-engine.js';
import { NewlandEngine } from '../firmware-sdk/virtual/engines/newland/engine.js';
import { RawEngine } from '../firmware-sdk/virtual/engines/raw/engine.js';
import { SsiEngine } from '../firmware-sdk/virtual/engines/ssi/engine.js';
import { TcpDevice } from '../firmware-sdk/virtual/harness/tcp.js';
import { cameraDecoder } from '../firmware-sdk/virtual/native/camera-decoder.js';
import { NativeTerminal } from '../firmware-sdk/virtual/native/terminal.js';
import type { DeviceEngine } from '../firmware-sdk/virtual/types.js';
import { EhcError } from '../protocol/errors.js';
import type { Resources } from './resources.js';
import type { LabTerminal, LabTerminalProtocol } from './spec.js';

/** A virtual terminal the lab started: its engine behind a loopback TCP listener. */
export interface LabTerminalHandle {
  readonly config: LabTerminal;
  readonly protocol: LabTerminalProtocol;
  readonly engine: DeviceEngine;
  readonly device: TcpDevice;
  /** The native terminal (camera, feedback, identity), when the protocol is native. */
  readonly native: NativeTerminal | undefined;
}

function engineFor(t: LabTerminal): DeviceEngine {
  const identity = { serial: `VT-${t.id}` };
  switch (t.protocol ?? 'native') {
    case 'native':
      return new NativeTerminal({
        identity: { ...identity, ...t.identity },
        ...(t.camera ? { decoder: cameraDecoder(t.camera) } : {}),
      });
    case 'raw':
      return new RawEngine();
    case 'zebra-ssi':
      return new SsiEngine({ identity });
    case 'honeywell':
      return new HoneywellSerialEngine({ identity });
    case 'newland':
      return new NewlandEngine({ identity });
    case 'grow':
      return new GrowEngine({ identity });
  }
}

/** Starts one terminal; registered with `resources` (device closed, native runtime disposed). */
export async function startTerminal(t: LabTerminal, resources: Resources): Promise<LabTerminalHandle> {
  if (t.camera && (t.protocol ?? 'native') !== 'native')
    throw new EhcError('LAB_CONFIG', `terminal ${t.id}: only a native terminal has a camera`);
  const engine = engineFor(t);
  const native = engine instanceof NativeTerminal ? engine : undefined;
  resources.defer(`terminal ${t.id} runtime`, () => native?.dispose());
  const device = resources.own(await TcpDevice.listen(engine), `terminal ${t.id}`, (d) => d.close());
  return { config: t, protocol: t.protocol ?? 'native', engine, device, native };
}
