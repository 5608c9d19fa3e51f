import type { Driver } from '../../types.js';
import { GrowDriver } from './driver.js';
import type { GrowOptions } from './options.js';

/** The registry's entry point: one driver per connection. */
export function createGrowDriver(options: GrowOptions = {}): Driver {
  return new GrowDriver(options);
}
