import type { SelfTestCheck, SelfTestResult } from '../../protocol/device/messages.js';
import type { Hal } from '../hal/types.js';

/** Runs the device self-test: the imager's own check, clock, storage round trip, link. */
export async function runSelfTest(
  hal: Hal,
  link: { readonly up: boolean; readonly sent: number },
): Promise<SelfTestResult> {
  const checks: SelfTestCheck[] = [];
  try {
    checks.push(await hal.decoder.selfTest());
  } catch (e) {
    checks.push({
      name: 'decoder',
      passed: false,
      detail: e instanceof Error ? e.message : 'self-test failed',
    });
  }
  const t0 = hal.clock.nowMs();
  const t1 = hal.clock.nowMs();
  checks.push({ name: 'clock', passed: t1 >= t0, detail: t1 >= t0 ? 'monotonic' : 'went backwards' });
  try {
    const probe = String(hal.system.random32());
    hal.storage.write('selftest', probe);
    const ok = hal.storage.read('selftest') === probe;
    checks.push({ name: 'storage', passed: ok, detail: ok ? 'read back' : 'read back a different value' });
  } catch (e) {
    checks.push({ name: 'storage', passed: false, detail: e instanceof Error ? e.message : 'failed' });
  }
  checks.push({ name: 'link', passed: link.up, detail: `${link.sent} frames sent` });
  return { passed: checks.every((c) => c.passed), checks };
}
