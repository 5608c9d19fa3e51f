import type { Driver } from '../../types.js';
import { ZebraSsiDriver } from './driver.js';
import type { ZebraSsiOptions } from './options.js';

/** The registry's entry point: one driver per connection. */
export function createZebraSsiDriver(options: ZebraSsiOptions = {}): Driver {
  return new ZebraSsiDriver(options);
}
