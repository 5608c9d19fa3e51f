import type { Driver } from '../../types.js';
import { HoneywellHidDriver } from './hid-driver.js';
import type { HoneywellOptions } from './options.js';
import { HoneywellSerialDriver } from './serial-driver.js';

/** The registry's entry point: serial (default) or HID POS, one driver per connection. */
export function createHoneywellDriver(options: HoneywellOptions = {}): Driver {
  return options.transport === 'hid' ? new HoneywellHidDriver(options) : new HoneywellSerialDriver(options);
}
