import { err, ok, type Result } from '../../protocol/result.js';
import type { HalStorage } from '../hal/types.js';

/**
 * The device's settings, as the host sees them through `config_get` / `config_set`: string keys
 * and string values, each validated by the schema below. A set is all-or-nothing. Temporary
 * values last until reboot; persistent ones are written to HAL storage under `config.<key>` (and
 * only then, so flash wear stays bounded).
 */
export interface ConfigKey {
  readonly description: string;
  readonly parse: (value: string) => string | undefined;
}

const oneOf =
  (...allowed: string[]) =>
  (v: string): string | undefined =>
    allowed.includes(v) ? v : undefined;

const intIn =
  (min: number, max: number) =>
  (v: string): string | undefined => {
    if (!/^\d{1,9}$/.test(v)) return undefined;
    const n = Number(v);
    return n >= min && n <= max ? String(n) : undefined;
  };

export interface ConfigBounds {
  readonly minHeartbeatIntervalMs: number;
  readonly maxHeartbeatIntervalMs: number;
}

export function configSchema(b: ConfigBounds): Readonly<Record<string, ConfigKey>> {
  return {
    trigger_mode: {
      description: 'presentation: decode whenever enabled; host: decode only while the host trigger is on',
      parse: oneOf('presentation', 'host'),
    },
    beep_on_scan: { description: 'good-read beep on every scan', parse: oneOf('true', 'false') },
    heartbeat_interval_ms: {
      description: 'default heartbeat period (a Hello may request another)',
      parse: intIn(b.minHeartbeatIntervalMs, b.maxHeartbeatIntervalMs),
    },
    ack_timeout_ms: {
      description: 'an unacknowledged scan is re-sent after this long',
      parse: intIn(10, 600_000),
    },
    charset: { description: 'charset declared in scan reports', parse: oneOf('auto', 'utf-8', 'gbk') },
    aim_id: { description: 'report the AIM symbology identifier', parse: oneOf('true', 'false') },
  };
}

const STORAGE_PREFIX = 'config.';

export class ConfigStore {
  readonly #schema: Readonly<Record<string, ConfigKey>>;
  readonly #values = new Map<string, string>();
  readonly #storage: HalStorage;

  /** Starts from `defaults`, overridden by valid persisted values. */
  constructor(
    schema: Readonly<Record<string, ConfigKey>>,
    defaults: Record<string, string>,
    storage: HalStorage,
  ) {
    this.#schema = schema;
    this.#storage = storage;
    for (const [key, spec] of Object.entries(schema)) {
      const stored = storage.read(STORAGE_PREFIX + key);
      const value = (stored !== undefined ? spec.parse(stored) : undefined) ?? defaults[key];
      if (value !== undefined) this.#values.set(key, value);
    }
  }

  value(key: string): string {
    return this.#values.get(key) ?? '';
  }

  /** The values of `keys` (every key when empty), or the first unknown key. */
  get(keys: readonly string[]): Result<Record<string, string>, string> {
    const wanted = keys.length > 0 ? keys : [...this.#values.keys()];
    const out: Record<string, string> = {};
    for (const k of wanted) {
      if (!Object.hasOwn(this.#schema, k)) return err(`unknown config key "${k}"`);
      out[k] = this.value(k);
    }
    return ok(out);
  }

  /** Validates every value, then applies them all (and persists them when asked). */
  set(values: Readonly<Record<string, string>>, persist: boolean): Result<Record<string, string>, string> {
    const parsed: [string, string][] = [];
    for (const [k, v] of Object.entries(values)) {
      const spec = Object.hasOwn(this.#schema, k) ? this.#schema[k] : undefined;
      if (!spec) return err(`unknown config key "${k}"`);
      const p = spec.parse(v);
      if (p === undefined) return err(`invalid value for "${k}": ${spec.description}`);
      parsed.push([k, p]);
    }
    for (const [k, v] of parsed) {
      this.#values.set(k, v);
      if (persist) this.#storage.write(STORAGE_PREFIX + k, v);
    }
    return ok(Object.fromEntries(parsed));
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}
