import type { Driver } from '../../types.js';
import { NewlandDriver } from './driver.js';
import type { NewlandOptions } from './options.js';

/**
 * The registry's entry point: Newland over serial / USB serial. (Newland HID POS scanners are read
 * by the `hid-pos` driver with its `newland-fm430` profile.)
 */
export function createNewlandDriver(options: NewlandOptions = {}): Driver {
  return new NewlandDriver(options);
}
