// The scanner reader: the agent opens a scanner on a port (here a virtual raw scanner on TCP, the
// stand-in for hardware), whose "imager" is a FrameCamera watching the page in headless Chromium.
import { describe, expect, it } from 'vitest';
import { runRig } from '../../bench/rig/run.js';
import { VirtualCamera } from '../../bench/rig/virtual-camera.js';
import { initDecoder } from '../../firmware-sdk/decode/decoder.js';
import { RawEngine } from '../../firmware-sdk/virtual/engines/raw/engine.js';
import { TcpDevice } from '../../firmware-sdk/virtual/harness/tcp.js';
import { FrameCamera } from '../../firmware-sdk/virtual/native/frame-camera.js';
import { findChromium } from '../support/chromium.js';

const chromiumPath = findChromium();

describe.skipIf(chromiumPath === undefined)('rig with the scanner reader', () => {
  it('reads every code through a scanner port the agent opens; frames and feedback not observable', {
    timeout: 90_000,
  }, async () => {
    await initDecoder();
    const dev = await TcpDevice.listen(new RawEngine());
    let opening: Promise<VirtualCamera> | undefined;
    try {
      const { report } = await runRig({
        reader: 'scanner',
        codes: 10,
        scanner: { port: dev.url, driver: 'raw' },
        onReady: (url) => {
          opening = VirtualCamera.open({
            executablePath: chromiumPath!,
            url,
            camera: new FrameCamera({ report: (s) => dev.link.scan(s.payload) }),
            onFrame: () => undefined,
            onDecoded: () => undefined,
          });
        },
      });
      expect(report.reader).toBe('scanner');
      expect(report.counts).toMatchObject({
        shown: 10,
        read: 10,
        verdicts: 10,
        valid: 10,
        misreads: 0,
        missed: 0,
      });
      const by = Object.fromEntries(report.stages.map((s) => [s.stage, s.n]));
      expect(by).toEqual({ frame: 0, decode: 0, verify: 10, feedback: 0, total: 10 });
    } finally {
      await (await opening)?.close();
      await dev.close();
    }
  });
});
