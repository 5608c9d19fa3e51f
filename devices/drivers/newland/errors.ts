import { DeviceError } from '../../transports/errors.js';

/**
 * Errors of the Newland driver: the device layer's `DeviceError` codes (`DEVICE_NO_ANSWER`,
 * `DEVICE_TIMEOUT`, `DEVICE_DISCONNECTED`, `DEVICE_UNSUPPORTED`, `DEVICE_NAK`, …), so callers
 * test `isEhcErrorCode(x, 'DEVICE_UNSUPPORTED')` or `isDeviceError(x)` whatever the vendor.
 */
export class NewlandError extends DeviceError {}
