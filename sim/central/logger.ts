import pino, { type DestinationStream, type Logger } from 'pino';
import { PII_LOG_PATHS } from '../../protocol/privacy/mask.js';
import type { CentralConfig } from './config.js';

/** Fields the central service never logs in clear, beyond the project-wide PII paths. */
const CENTRAL_REDACT = [
  ...PII_LOG_PATHS,
  'id_no',
  'cellphone',
  'telephone',
  'address',
  '*.cellphone',
  '*.telephone',
  '*.address',
  'biz',
  'biz_content',
  '*.biz_content',
  'req.headers.authorization',
  'token',
];

/**
 * The service's pino logger: structured JSON, personal data and secrets redacted by fixed paths
 * (never chosen by request input), level from the configuration. Handlers log codes and
 * methods, never biz fields; this redaction is the second line of defence.
 */
export function createCentralLogger(
  level: CentralConfig['log']['level'],
  destination?: DestinationStream,
): Logger {
  const opts = {
    level,
    base: { svc: 'ehc-central' },
    redact: { paths: CENTRAL_REDACT, censor: '[masked]' },
  };
  return destination === undefined ? pino(opts) : pino(opts, destination);
}
