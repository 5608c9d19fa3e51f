/**
 * Where a kiosk install puts things. One record drives every generated file (unit, udev rules,
 * sysusers entry), so the service user, the udev group and the writable data directory can never
 * disagree between them.
 */
export interface KioskLayout {
  /** systemd unit name, without `.service`. */
  readonly unit: string;
  /** Dedicated system user the agent runs as (created by systemd-sysusers). */
  readonly user: string;
  /** Group that owns the scanner device nodes (udev) and the data directory. */
  readonly group: string;
  /** The only directory the service may write (SQLite store, outbox, logs). */
  readonly dataDir: string;
  /** Agent configuration file (read-only to the service). */
  readonly configFile: string;
  /** Absolute path of the Node.js binary. */
  readonly nodePath: string;
  /** Absolute path of the built CLI (`dist/cli.js`). */
  readonly cliPath: string;
  /** Watchdog period, seconds; the agent pings at half of it. */
  readonly watchdogSec: number;
  /** Seconds systemd waits for the drain on stop before SIGKILL. */
  readonly stopTimeoutSec: number;
}

export const DEFAULT_LAYOUT: Omit<KioskLayout, 'nodePath' | 'cliPath'> = {
  unit: 'ehc-agent',
  user: 'ehc',
  group: 'ehc',
  dataDir: '/var/lib/ehc-agent',
  configFile: '/etc/ehc-agent/agent.json',
  watchdogSec: 30,
  stopTimeoutSec: 20,
};

/** Install locations of the generated files (relative to the install root, normally `/`). */
export const INSTALL_PATHS = {
  unit: (l: KioskLayout) => `/etc/systemd/system/${l.unit}.service`,
  udev: () => UDEV_RULES_FILE,
  sysusers: (l: KioskLayout) => `/etc/sysusers.d/${l.unit}.conf`,
} as const;

/**
 * After Debian's `60-serial.rules` (which imports `ID_USB_INTERFACE_NUM`) and before
 * `73-seat-late.rules`.
 */
export const UDEV_RULES_FILE = '/etc/udev/rules.d/70-ehc-scanners.rules';

/** Typed error for a layout a unit file cannot express safely. */
export class KioskLayoutError extends Error {
  override readonly name = 'KioskLayoutError';
  constructor(
    readonly field: keyof KioskLayout,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/@+-]*$/;

/** Refuses values that would need quoting or could inject a directive (newline, space, `%`). */
export function checkLayout(l: KioskLayout): KioskLayout {
  for (const f of ['unit', 'user', 'group'] as const) {
    if (!NAME.test(l[f])) throw new KioskLayoutError(f, `'${l[f]}' is not a valid name`);
  }
  for (const f of ['dataDir', 'configFile', 'nodePath', 'cliPath'] as const) {
    if (!SAFE_PATH.test(l[f])) {
      throw new KioskLayoutError(f, `'${l[f]}' must be an absolute path without spaces, % or quotes`);
    }
  }
  for (const f of ['watchdogSec', 'stopTimeoutSec'] as const) {
    if (!Number.isInteger(l[f]) || l[f] < 2 || l[f] > 3600) {
      throw new KioskLayoutError(f, `${l[f]} must be a whole number of seconds in 2..3600`);
    }
  }
  return l;
}
