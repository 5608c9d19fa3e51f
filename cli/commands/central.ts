// ehc sim central — the central EHC service (issue 4)
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { createHsmClient } from '../../clients/hsm/client.js';
import { parseEndpoint } from '../../clients/hsm/endpoint.js';
import type { HsmClientTls } from '../../clients/hsm/types.js';
import { isEhcError } from '../../protocol/errors.js';
import {
  type CentralConfig,
  createCentralLogger,
  DEFAULT_CENTRAL_CONFIG,
  loadCentralConfig,
  startCentralService,
} from '../../sim/central/index.js';
import { type CentralDbOptions, type CentralStore, openCentralStore } from '../../storage/central/index.js';
import { maskUrl } from '../../storage/postgres.js';
import { EXIT } from '../output.js';
import type { CliGroups } from '../types.js';

interface Flags {
  port: string;
  host: string;
  hsm: string;
  db: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  hsmTlsCert?: string;
  hsmTlsKey?: string;
  hsmTlsCa?: string;
  logLevel?: CentralConfig['log']['level'];
  dbPool?: string;
  dbStatementTimeout?: string;
  dbFailoverWait?: string;
  dbSslCa?: string;
  dbSslCert?: string;
  dbSslKey?: string;
}

/** An integer flag in 0–max, or undefined when not given. */
const intFlag = (v: string | undefined, flag: string, max: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${flag} must be an integer 0–${max}`);
  return n;
};

/** The store of `--db`: a SQLite file, or PostgreSQL with the pool flags. */
function dbOptions(o: Flags): CentralDbOptions {
  const pool = intFlag(o.dbPool, '--db-pool', 1000);
  const timeout = intFlag(o.dbStatementTimeout, '--db-statement-timeout', 3_600_000);
  const wait = intFlag(o.dbFailoverWait, '--db-failover-wait', 600_000);
  return {
    ...(pool === undefined ? {} : { poolSize: Math.max(1, pool) }),
    ...(timeout === undefined ? {} : { statementTimeoutMs: timeout }),
    ...(wait === undefined ? {} : { failoverWaitMs: wait }),
    ...(o.dbSslCa === undefined ? {} : { sslCaFile: o.dbSslCa }),
    ...(o.dbSslCert === undefined ? {} : { sslCertFile: o.dbSslCert }),
    ...(o.dbSslKey === undefined ? {} : { sslKeyFile: o.dbSslKey }),
  };
}

/** Usage and environment errors: message on stderr, exit 2. */
class UsageError extends Error {}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function serverTls(o: Flags): { cert: Buffer; key: Buffer } | undefined {
  if (o.tlsCert === undefined && o.tlsKey === undefined) return undefined;
  if (o.tlsCert === undefined || o.tlsKey === undefined)
    throw new UsageError('HTTPS needs --tls-cert and --tls-key');
  return { cert: read(o.tlsCert, '--tls-cert'), key: read(o.tlsKey, '--tls-key') };
}

function hsmTls(o: Flags): HsmClientTls | undefined {
  const given = [o.hsmTlsCert, o.hsmTlsKey, o.hsmTlsCa].filter((x) => x !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3)
    throw new UsageError('cipher-machine TLS needs --hsm-tls-cert, --hsm-tls-key and --hsm-tls-ca');
  return {
    cert: read(o.hsmTlsCert!, '--hsm-tls-cert'),
    key: read(o.hsmTlsKey!, '--hsm-tls-key'),
    ca: read(o.hsmTlsCa!, '--hsm-tls-ca'),
  };
}

async function runCentral(o: Flags): Promise<void> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be 0–65535');
  const base = o.config === undefined ? DEFAULT_CENTRAL_CONFIG : loadCentralConfig(o.config);
  const config: CentralConfig = o.logLevel === undefined ? base : { ...base, log: { level: o.logLevel } };
  const tls = serverTls(o);
  const hsmTlsOptions = hsmTls(o);
  const logger = createCentralLogger(config.log.level);
  const hsm = createHsmClient({
    endpoints: o.hsm.split(',').map((e) => parseEndpoint(e.trim())),
    timeoutMs: config.hsmTimeoutMs,
    ...(hsmTlsOptions === undefined ? {} : { tls: hsmTlsOptions }),
  });
  let service: Awaited<ReturnType<typeof startCentralService>>;
  let store: CentralStore | undefined;
  try {
    store = await openCentralStore(o.db, {
      ...dbOptions(o),
      sqlite: { onCheckpointError: (info) => logger.warn({ err: info }, 'WAL checkpoint failed') },
    });
    service = await startCentralService({
      hsm,
      config,
      store,
      host: o.host,
      port,
      logger,
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (e) {
    await store?.close();
    await hsm.close();
    throw e;
  }
  if (config.apps.length === 0)
    logger.warn('no apps configured: every request will be refused (see --config)');
  logger.info(
    {
      url: service.url,
      hsm: o.hsm,
      db: maskUrl(o.db),
      store: store.kind,
      apps: config.apps.length,
      terminals: config.terminals.length,
    },
    'ready',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await service.close();
  await store.close();
  await hsm.close();
  logger.info('stopped');
  logger.flush();
  process.exitCode = EXIT.ok;
}

export function registerCentral({ sim }: CliGroups): void {
  sim
    .command('central')
    .description('run the central EHC service (card-management platform) until SIGTERM')
    .requiredOption('--port <n>', 'HTTP(S) port (0 = any free port, logged in the ready line)')
    .requiredOption('--hsm <host:port>', 'cipher machine address; primary,standby… for failover')
    .requiredOption(
      '--db <file|url>',
      'SQLite file (WAL), :memory:, or postgres://user@host[:port][,host2[:port]]/db (several instances, standby)',
    )
    .option('--db-pool <n>', 'PostgreSQL: connections in the pool (default 20)')
    .option(
      '--db-statement-timeout <ms>',
      'PostgreSQL: server-side statement timeout (default 5000; 0 = none)',
    )
    .option(
      '--db-failover-wait <ms>',
      'PostgreSQL: how long a request waits for a new primary (default 5000)',
    )
    .option('--db-ssl-ca <file>', 'PostgreSQL: PEM CA to verify the server (enables TLS)')
    .option('--db-ssl-cert <file>', 'PostgreSQL: PEM client certificate')
    .option('--db-ssl-key <file>', 'PostgreSQL: PEM key for --db-ssl-cert')
    .option('--config <file>', 'JSON configuration: apps, terminals, windows (config/central.example.json)')
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--tls-cert <file>', 'PEM server certificate (enables HTTPS)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--hsm-tls-cert <file>', 'PEM client certificate for the cipher machine')
    .option('--hsm-tls-key <file>', 'PEM key for --hsm-tls-cert')
    .option('--hsm-tls-ca <file>', 'PEM CA that signed the cipher machine’s certificate')
    .addOption(
      new Option('--log-level <level>', 'pino level (overrides the configuration)').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .action(async (o: Flags) => {
      try {
        await runCentral(o);
      } catch (e) {
        if (!(e instanceof UsageError) && !isEhcError(e)) throw e;
        process.stderr.write(`ehc sim central: ${e.message}\n`);
        process.exitCode = EXIT.usage;
      }
    });
}
