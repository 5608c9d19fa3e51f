import { readFileSync } from 'node:fs';
import { applyEnv, ConfigError, type FieldSpec, redact, validate } from './schema.js';

/** The agent's configuration. One JSON file (see config/agent.example.json), overridable by EHC_* env. */
export interface AgentConfig {
  readonly terminal: {
    readonly terminalCode: string;
    readonly channelCode: '01' | '02' | '99';
    readonly medStepCode: string;
  };
  readonly scanners: readonly ScannerConfig[];
  readonly discovery: { readonly enabled: boolean; readonly intervalMs: number };
  readonly verify: {
    readonly mode: 'hsm' | 'central' | 'chain';
    readonly lifetimeS: number;
    readonly skewS: number;
    readonly timeZone: string;
    readonly staticLookup: boolean;
    readonly dedupeWindowMs: number;
  };
  readonly hsm?: {
    readonly primary: string;
    readonly standby?: string;
    readonly timeoutMs: number;
    readonly tls?: { readonly ca: string; readonly cert: string; readonly key: string };
  };
  readonly central?: {
    readonly url: string;
    /** Standby instances, tried in order when the active one cannot be reached (spec §5.5-1). */
    readonly standbyUrls?: readonly string[];
    readonly appId: string;
    readonly appSecret: string;
    readonly timeoutMs: number;
    readonly caFile?: string;
  };
  readonly storage: { readonly file: string };
  readonly api: {
    readonly enabled: boolean;
    readonly host: string;
    readonly port: number;
    readonly tokens: readonly string[];
    readonly allowedOrigins: readonly string[];
    readonly tls?: { readonly cert: string; readonly key: string };
  };
  readonly outbox: {
    readonly batchSize: number;
    readonly baseBackoffMs: number;
    readonly maxBackoffMs: number;
  };
  readonly log: {
    readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
    readonly file?: string;
    readonly rotateSize: string;
    readonly keep: number;
  };
}

export interface ScannerConfig {
  readonly id: string;
  readonly port: string;
  readonly driver?: string;
  readonly baudRate?: number;
  /** This scanner's registered terminal code and channel, when it differs from `terminal`. */
  readonly terminalCode?: string;
  readonly channelCode?: '01' | '02' | '99';
}

const HTTP_URL = /^https?:\/\/\S+$/;
const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;
const tlsFiles = (withCa: boolean): FieldSpec => ({
  type: 'object',
  optional: true,
  help: 'TLS material (PEM file paths)',
  fields: {
    ...(withCa ? { ca: { type: 'string', help: 'CA certificate file' } } : {}),
    cert: { type: 'string', help: 'certificate file' },
    key: { type: 'string', help: 'private key file', secret: false },
  },
});

export const AGENT_CONFIG_SPEC = {
  type: 'object',
  help: 'agent configuration',
  fields: {
    terminal: {
      type: 'object',
      help: 'this terminal at the central service',
      fields: {
        terminalCode: {
          type: 'string',
          default: 'TERM-0001',
          pattern: /^[\w-]{1,32}$/,
          help: 'registered scanner id',
        },
        channelCode: {
          type: 'enum',
          values: ['01', '02', '99'],
          default: '02',
          help: '01 window, 02 kiosk, 99 other',
        },
        medStepCode: {
          type: 'string',
          default: '010101',
          pattern: /^\d{6}$/,
          help: '诊疗环节 code, 6 digits',
        },
      },
    },
    scanners: {
      type: 'list',
      default: [],
      help: 'scanners to open',
      item: {
        type: 'object',
        help: 'a scanner',
        fields: {
          id: { type: 'string', pattern: /^[\w.-]{1,64}$/, help: 'scanner id' },
          port: { type: 'string', help: 'serial path, HID path or tcp://host:port' },
          driver: {
            type: 'enum',
            optional: true,
            values: ['raw', 'zebra-ssi', 'honeywell', 'newland', 'grow', 'hid-pos', 'native'],
            help: 'driver (probe when absent)',
          },
          baudRate: { type: 'int', optional: true, min: 1200, max: 4_000_000, help: 'serial baud rate' },
          terminalCode: {
            type: 'string',
            optional: true,
            pattern: /^[\w-]{1,32}$/,
            help: 'registered scanner id',
          },
          channelCode: {
            type: 'enum',
            optional: true,
            values: ['01', '02', '99'],
            help: '01 window, 02 kiosk, 99 other',
          },
        },
      },
    },
    discovery: {
      type: 'object',
      help: 'USB hot-plug discovery',
      fields: {
        enabled: { type: 'bool', default: false, help: 'open scanners found on USB' },
        intervalMs: { type: 'int', default: 5000, min: 500, max: 600_000, help: 'periodic listing' },
      },
    },
    verify: {
      type: 'object',
      help: 'verification',
      fields: {
        mode: {
          type: 'enum',
          values: ['hsm', 'central', 'chain'],
          default: 'hsm',
          help: 'verification path',
        },
        lifetimeS: { type: 'int', default: 60, min: 1, max: 86_400, help: 'dynamic code lifetime' },
        skewS: { type: 'int', default: 5, min: 0, max: 600, help: 'allowed clock skew' },
        timeZone: { type: 'string', default: 'Asia/Shanghai', help: 'time zone of the validity time' },
        staticLookup: { type: 'bool', default: false, help: 'look static codes up at the central service' },
        dedupeWindowMs: {
          type: 'int',
          default: 2000,
          min: 0,
          max: 600_000,
          help: 'drop repeat scans within',
        },
      },
    },
    hsm: {
      type: 'object',
      optional: true,
      help: 'cipher machine',
      fields: {
        primary: { type: 'string', pattern: HOST_PORT, help: 'host:port' },
        standby: { type: 'string', optional: true, pattern: HOST_PORT, help: 'host:port' },
        timeoutMs: { type: 'int', default: 200, min: 10, max: 60_000, help: 'per-call timeout' },
        tls: tlsFiles(true),
      },
    },
    central: {
      type: 'object',
      optional: true,
      help: 'central EHC service',
      fields: {
        url: { type: 'string', pattern: HTTP_URL, help: 'service URL' },
        standbyUrls: {
          type: 'strings',
          optional: true,
          pattern: HTTP_URL,
          help: 'standby service URLs, in order: a call that cannot reach the active one goes to the next (a verify only if it was never sent)',
        },
        appId: { type: 'string', help: 'app id' },
        appSecret: { type: 'string', pattern: /^.{16}$/, secret: true, help: '16-character app secret' },
        timeoutMs: { type: 'int', default: 1000, min: 10, max: 60_000, help: 'per-call timeout' },
        caFile: { type: 'string', optional: true, help: 'CA certificate for HTTPS' },
      },
    },
    storage: {
      type: 'object',
      help: 'durable state',
      fields: { file: { type: 'string', default: 'ehc-agent.db', help: 'SQLite file or :memory:' } },
    },
    api: {
      type: 'object',
      help: 'local API for kiosk apps',
      fields: {
        enabled: { type: 'bool', default: true, help: 'serve the local API' },
        host: { type: 'string', default: '127.0.0.1', help: 'bind address' },
        port: { type: 'int', default: 8787, min: 0, max: 65_535, help: 'port (0 = any)' },
        tokens: { type: 'strings', default: [], secret: true, help: 'bearer tokens for kiosk apps' },
        allowedOrigins: {
          type: 'strings',
          default: [],
          help: 'origins (scheme://host:port) of kiosk pages served elsewhere that may call the API; every other Origin is refused',
        },
        tls: tlsFiles(false),
      },
    },
    outbox: {
      type: 'object',
      help: 'card-use record delivery',
      fields: {
        batchSize: { type: 'int', default: 50, min: 1, max: 1000, help: 'records per batch' },
        baseBackoffMs: { type: 'int', default: 1000, min: 10, max: 600_000, help: 'first retry delay' },
        maxBackoffMs: {
          type: 'int',
          default: 300_000,
          min: 100,
          max: 86_400_000,
          help: 'longest retry delay',
        },
      },
    },
    log: {
      type: 'object',
      help: 'logging',
      fields: {
        level: {
          type: 'enum',
          values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
          default: 'info',
          help: 'pino level (switchable at run time: PUT /admin/log-level)',
        },
        file: {
          type: 'string',
          optional: true,
          help: 'log to this file, rotated by size (default: JSON to stdout, i.e. journald under systemd)',
        },
        rotateSize: {
          type: 'string',
          default: '10m',
          pattern: /^[1-9][0-9]*[kmg]$/,
          help: 'rotate the log file at this size (k, m, g)',
        },
        keep: { type: 'int', default: 5, min: 1, max: 100, help: 'rotated log files kept' },
      },
    },
  },
} as const satisfies FieldSpec;

/** Validates a parsed config object (plus env overrides). Throws ConfigError listing every problem. */
export function parseAgentConfig(
  input: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
): AgentConfig {
  const problems: string[] = [];
  const base = (
    typeof input === 'object' && input !== null && !Array.isArray(input) ? structuredClone(input) : {}
  ) as Record<string, unknown>;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    problems.push('(root): must be a JSON object');
  applyEnv(AGENT_CONFIG_SPEC, base, env, problems);
  const value = validate(AGENT_CONFIG_SPEC, base, '', problems) as AgentConfig;
  if (value.verify?.mode !== 'central' && !value.hsm)
    problems.push('hsm: required when verify.mode is hsm or chain');
  if (value.verify?.mode !== 'hsm' && !value.central)
    problems.push('central: required when verify.mode is central or chain');
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}

export function loadAgentConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${file}: not valid JSON (${(e as Error).message})`]);
  }
  return parseAgentConfig(json, env);
}

/** The configuration with secrets replaced by "***". */
export function publicAgentConfig(config: AgentConfig): Record<string, unknown> {
  return redact(AGENT_CONFIG_SPEC, config) as Record<string, unknown>;
}
