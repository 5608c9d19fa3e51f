import { requestJson } from '../../clients/central/https-fetch.js';
import { TcpDevice } from '../../firmware-sdk/virtual/harness/tcp.js';
import { NativeTerminal } from '../../firmware-sdk/virtual/native/terminal.js';
import type { Station, StationVerdict, TerminalRoundTrip } from '../context.js';
import { CertifyError } from '../errors.js';
import type { TargetConfig } from './config.js';

interface PublicEvent {
  readonly id: string;
  readonly deviceId: string;
  readonly ehcIdMasked?: string;
  readonly verdict: {
    readonly verdict: StationVerdict['verdict'];
    readonly reason?: string;
    readonly by?: string;
  };
}

const VERDICT_WAIT_MS = 8000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A station of the target hospital: certification hosts a virtual native-protocol terminal on
 * `listen`, the agent under test is configured with a scanner `tcp://<listen>` (driver native)
 * under `scannerId`, and the verdict is read back from the agent's API (`GET /scans`, kiosk
 * token). Scans at one station are serialised.
 */
export class TargetStation {
  readonly engine = new NativeTerminal({ identity: { serial: 'CERTIFY-VT' } });
  private device: TcpDevice | undefined;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly spec: TargetConfig['stations'][number],
    private readonly api: { readonly url: string; readonly token: string; readonly fetch: typeof fetch },
  ) {}

  async listen(): Promise<void> {
    const i = this.spec.listen.lastIndexOf(':');
    this.device = await TcpDevice.listen(this.engine, {
      host: this.spec.listen.slice(0, i).replace(/^\[|\]$/g, ''),
      port: Number(this.spec.listen.slice(i + 1)),
    });
  }

  station(): Station {
    return {
      name: this.spec.name,
      medStepCode: this.spec.medStepCode,
      channelCode: this.spec.channelCode,
      terminalCode: this.spec.terminalCode,
      scan: (text) => this.scan(text),
      // The agent delivers card-use records by itself (store and forward); the checks poll.
      flush: async () => {},
    };
  }

  scan(text: string): Promise<StationVerdict> {
    const next = this.busy.catch(() => undefined).then(() => this.scanNow(text));
    this.busy = next;
    return next;
  }

  private async events(): Promise<PublicEvent[]> {
    const r = await requestJson(
      this.api.fetch,
      'GET',
      `${this.api.url}/scans?limit=100`,
      undefined,
      this.api.token,
    );
    if (r.status !== 200) throw new CertifyError('CERTIFY_PROBE', `agent GET /scans: HTTP ${r.status}`);
    return ((r.json.scans ?? []) as PublicEvent[]).filter((e) => e.deviceId === this.spec.scannerId);
  }

  private async scanNow(text: string): Promise<StationVerdict> {
    const seen = new Set((await this.events()).map((e) => e.id));
    const t0 = performance.now();
    this.engine.scan({ payload: Buffer.from(text, 'utf8') });
    while (performance.now() - t0 < VERDICT_WAIT_MS) {
      const fresh = (await this.events()).find((e) => !seen.has(e.id));
      if (fresh) {
        const v = fresh.verdict;
        return {
          verdict: v.verdict,
          ...(v.reason ? { reason: v.reason } : {}),
          ...(v.by ? { by: v.by } : {}),
          ...(fresh.ehcIdMasked ? { ehcIdMasked: fresh.ehcIdMasked } : {}),
          ms: performance.now() - t0,
        };
      }
      await sleep(100);
    }
    throw new CertifyError(
      'CERTIFY_PROBE',
      `no verdict from ${this.spec.name} (scanner ${this.spec.scannerId}) within ${VERDICT_WAIT_MS} ms`,
    );
  }

  /** Scan, verdict, and the feedback the agent sent back to this terminal. */
  async roundTrip(text: string): Promise<TerminalRoundTrip> {
    const fb = this.engine.feedback;
    const before = fb.beeps.length;
    const t0 = performance.now();
    const v = await this.scan(text);
    const want = v.verdict === 'VALID' ? 'good' : 'bad';
    for (
      let i = 0;
      i < 100 && !(fb.led.kind === want && fb.beeps.slice(before).some((b) => b.kind === want));
      i++
    ) {
      await sleep(20);
    }
    // The agent's API shows no raw text, only the masked card id of what it parsed.
    return {
      verdict: v.verdict,
      ...(v.reason ? { reason: v.reason } : {}),
      ...(v.ehcIdMasked ? { ehcIdMasked: v.ehcIdMasked } : {}),
      beeps: fb.beeps.slice(before).map((b) => b.kind),
      led: fb.led.kind,
      ms: performance.now() - t0,
    };
  }

  async close(): Promise<void> {
    await this.device?.close();
    this.engine.dispose();
  }
}
