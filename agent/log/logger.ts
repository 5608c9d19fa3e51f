/**
 * The agent's logger. pino JSON to stdout by default (journald stores it under the unit), or to
 * a size-rotated file through `pino-roll` (`--log-file`). Personal data never reaches either:
 * fields are redacted by name (PII_LOG_PATHS), and every serialized line then goes through
 * `scrubLogLine`, which masks EHC-IDs, ID numbers and phone numbers wherever they appear — in a
 * message, an error's text, a QR text — so a field added later without a redaction path still
 * cannot leak one.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { maskEhcId, maskFreeText, PII_LOG_PATHS } from '../../protocol/privacy/mask.js';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface LogFileOptions {
  readonly path: string;
  /** Rotate when the file reaches this size (pino-roll units: `10m`, `500k`). */
  readonly size: string;
  /** Rotated files kept besides the active one. */
  readonly keep: number;
}

export interface AgentLogOptions {
  readonly level: Level | 'silent';
  readonly file?: LogFileOptions;
  /** A destination for tests (takes precedence over `file`). */
  readonly destination?: DestinationStream;
}

/** An EHC-ID is upper-case hex in 16-byte blocks (64 chars in every sample); 32+ hex chars is a match. */
const HEX_RUN = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])/g;

/** Masks EHC-IDs, ID numbers and phone numbers anywhere in one serialized log line. */
export function scrubLogLine(line: string): string {
  return maskFreeText(line.replace(HEX_RUN, (m) => maskEhcId(m)));
}

export function createAgentLogger(o: AgentLogOptions): Logger {
  const options = {
    level: o.level,
    base: { svc: 'ehc-agent' },
    redact: { paths: [...PII_LOG_PATHS], censor: '***' },
    hooks: { streamWrite: scrubLogLine },
  };
  if (o.destination) return pino(options, o.destination);
  if (o.file) {
    const transport = pino.transport({
      target: 'pino-roll',
      options: { file: o.file.path, size: o.file.size, limit: { count: o.file.keep }, mkdir: true },
    });
    const logger = pino(options, transport);
    fileTransports.set(logger, transport);
    return logger;
  }
  return pino(options);
}

/** The worker-thread transports of file loggers, so that closing flushes every line to disk. */
const fileTransports = new WeakMap<Logger, NodeJS.WritableStream>();

/** Flushes and closes a file logger's transport (no-op for stdout loggers: stdout stays open). */
export async function closeAgentLogger(logger: Logger): Promise<void> {
  const transport = fileTransports.get(logger);
  if (!transport) return;
  fileTransports.delete(logger);
  await new Promise<void>((resolve) => {
    transport.once('close', () => resolve());
    transport.end();
  });
}

/** Changes a logger's level at run time (admin API); the agent's modules share the one logger. */
export interface LogLevelControl {
  get(): string;
  set(level: Level): void;
}

export function logLevelControl(logger: Logger): LogLevelControl {
  return {
    get: () => logger.level,
    set: (level) => {
      logger.level = level;
    },
  };
}
