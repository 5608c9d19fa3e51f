import type { Driver } from '../../types.js';
import { HidPosDriver, type HidPosOptions } from './driver.js';

/** The registry's entry point: one driver per connection. */
export function createHidPosDriver(options: HidPosOptions = {}): Driver {
  return new HidPosDriver(options);
}
