// ehc hsm keygen|info|check and ehc sim hsm — the cipher machine (issue 3)
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { pino } from 'pino';
import { createHsmClient, type HsmClient } from '../../clients/hsm/client.js';
import { parseEndpoint } from '../../clients/hsm/endpoint.js';
import type { HsmClientTls, HsmResult } from '../../clients/hsm/types.js';
import { EhcError, isEhcError } from '../../protocol/errors.js';
import { parseEhcCode } from '../../protocol/qr/parse.js';
import { parseFaults } from '../../sim/cipher-machine/faults.js';
import { loadKeyFile } from '../../sim/cipher-machine/key-file.js';
import { MASTER_KEY_ENV, masterKeyFromEnv } from '../../sim/cipher-machine/key-wrap.js';
import { writeNewKeyFile } from '../../sim/cipher-machine/keygen.js';
import { CipherMachineServer } from '../../sim/cipher-machine/server.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

interface TlsFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

interface ClientFlags extends TlsFlags {
  hsm: string;
  timeout: string;
  json?: boolean;
}

/** Usage and environment errors: message on stderr, exit 2. */
class UsageError extends EhcError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

function int(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}`);
  return n;
}

function readTls(f: TlsFlags): { cert: Buffer; key: Buffer; ca: Buffer } | undefined {
  const given = [f.tlsCert, f.tlsKey, f.tlsCa].filter((x) => x !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new UsageError('TLS needs all of --tls-cert, --tls-key and --tls-ca');
  try {
    return { cert: readFileSync(f.tlsCert!), key: readFileSync(f.tlsKey!), ca: readFileSync(f.tlsCa!) };
  } catch (e) {
    throw new UsageError(`cannot read a TLS file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function tlsOptions(cmd: Command, certHelp: string): Command {
  return cmd
    .option('--tls-cert <file>', certHelp)
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--tls-ca <file>', 'PEM CA certificate that signs the peer');
}

function client(f: ClientFlags): HsmClient {
  const tls: HsmClientTls | undefined = readTls(f);
  return createHsmClient({
    endpoints: f.hsm.split(',').map((e) => parseEndpoint(e)),
    timeoutMs: int('--timeout', f.timeout, 1),
    heartbeatMs: 0,
    poolSize: 1,
    ...(tls ? { tls } : {}),
  });
}

function clientCommand(parent: Command, name: string, description: string): Command {
  return tlsOptions(
    parent
      .command(name)
      .description(description)
      .requiredOption('--hsm <host:port>', 'cipher machine address; primary,standby… for failover')
      .option('--timeout <ms>', 'per-call timeout', '2000')
      .option('--json', 'print JSON'),
    'PEM client certificate (the machine requires one with TLS)',
  );
}

const exitOf = (r: HsmResult<unknown>): number =>
  r.status === 'ok' ? EXIT.ok : r.status === 'no' ? EXIT.negative : EXIT.usage;

/** Runs an action; usage/config errors → stderr and exit 2. */
function guarded<A extends unknown[]>(
  what: string,
  fn: (...a: A) => Promise<void>,
): (...a: A) => Promise<void> {
  return async (...a) => {
    try {
      await fn(...a);
    } catch (e) {
      if (!isEhcError(e)) throw e;
      process.stderr.write(`ehc ${what}: ${e.message}\n`);
      process.exitCode = EXIT.usage;
    }
  };
}

function registerClientCommands(hsm: Command): void {
  hsm
    .command('keygen')
    .description('write a fresh key file (protect, security, data and SM2 keys), mode 600')
    .requiredOption('--out <file>', 'where to write it')
    .option('--force', 'replace an existing file')
    .option('--wrap', `wrap every key under the master key in $${MASTER_KEY_ENV}`)
    .option('--json', 'print what was written (indices and types, never values) as JSON')
    .action(
      guarded('hsm keygen', async (o: { out: string; force?: boolean; wrap?: boolean; json?: boolean }) => {
        const master = masterKeyFromEnv(process.env);
        if (o.wrap && !master) throw new UsageError(`--wrap needs $${MASTER_KEY_ENV} (32 hex)`);
        const written = writeNewKeyFile(o.out, {
          ...(o.wrap && master ? { master } : {}),
          force: o.force === true,
        });
        const keys = written.keys.map(({ index, type, use }) => ({ index, type, use }));
        if (o.json) printJson({ file: o.out, wrapped: o.wrap === true, keys });
        else process.stdout.write(`wrote ${keys.length} keys to ${o.out}${o.wrap ? ' (wrapped)' : ''}\n`);
        process.exitCode = EXIT.ok;
      }),
    );

  clientCommand(hsm, 'info', 'print the cipher machine’s identity (vendor, model, serial, firmware)').action(
    guarded('hsm info', async (o: ClientFlags) => {
      const c = client(o);
      try {
        const r = await c.info();
        if (o.json) printJson(r);
        else if (r.status === 'ok') {
          const v = r.value;
          process.stdout.write(
            `vendor:   ${v.vendor}\nmodel:    ${v.model}\nserial:   ${v.serial}\nfirmware: ${v.firmware}\n`,
          );
        } else process.stderr.write(`ehc hsm info: ${r.status}: ${r.message}\n`);
        process.exitCode = exitOf(r);
      } finally {
        await c.close();
      }
    }),
  );

  clientCommand(hsm, 'check', 'decrypt and check a dynamic QR code’s validity field on the cipher machine')
    .requiredOption('--qr <text>', 'the QR text as the scanner delivers it (AIM prefix, CR/LF, any case)')
    .option('--lifetime <s>', 'code lifetime, seconds', '60')
    .option('--skew <s>', 'clock-skew allowance, seconds', '5')
    .option('--time-zone <zone>', 'zone of the validity time (default: the machine’s, Asia/Shanghai)')
    .option('--now <ms>', 'check as of this instant (ms since the epoch) instead of the machine’s clock')
    .action(
      guarded(
        'hsm check',
        async (
          o: ClientFlags & { qr: string; lifetime: string; skew: string; timeZone?: string; now?: string },
        ) => {
          const code = parseEhcCode(o.qr);
          if (!code.ok || code.value.validity === undefined) {
            const error = code.ok
              ? { type: 'no-validity-field', message: `a ${code.value.kind} code carries no validity field` }
              : code.error;
            if (o.json) printJson({ status: 'no', reason: 'bad-qr', error });
            else process.stderr.write(`ehc hsm check: ${error.type}: ${error.message}\n`);
            process.exitCode = EXIT.negative;
            return;
          }
          const c = client(o);
          try {
            const r = await c.checkValidity(code.value.validity, {
              lifetimeS: int('--lifetime', o.lifetime),
              skewS: int('--skew', o.skew),
              ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
              ...(o.now === undefined ? {} : { nowMs: int('--now', o.now, 1) }),
            });
            if (o.json) printJson({ kind: code.value.kind, ...r });
            else if (r.status === 'ok') {
              process.stdout.write(`valid: generated ${new Date(r.value.generatedMs).toISOString()}\n`);
            } else process.stdout.write(`${r.status}: ${r.reason}: ${r.message}\n`);
            process.exitCode = exitOf(r);
          } finally {
            await c.close();
          }
        },
      ),
    );
}

interface SimFlags extends TlsFlags {
  port: string;
  host: string;
  keys: string;
  vendor?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  timeZone?: string;
  lifetime?: string;
  skew?: string;
  faults?: string;
  faultControl?: boolean;
  logLevel: string;
}

function registerSim(sim: Command): void {
  tlsOptions(
    sim
      .command('hsm')
      .description('run the soft cipher machine (密码机) until SIGTERM')
      .requiredOption('--port <n>', 'TCP port (0 = any free port, logged in the ready line)')
      .requiredOption(
        '--keys <file>',
        `key file (refused if others can read it; wrapped keys need $${MASTER_KEY_ENV})`,
      )
      .option('--host <addr>', 'listen address', '127.0.0.1')
      .option('--vendor <s>', 'device identity: vendor')
      .option('--model <s>', 'device identity: model')
      .option('--serial <s>', 'device identity: serial number')
      .option('--firmware <s>', 'device identity: firmware version')
      .option('--time-zone <zone>', 'zone of validity times', 'Asia/Shanghai')
      .option('--lifetime <s>', 'default code lifetime, seconds', '60')
      .option('--skew <s>', 'default clock-skew allowance, seconds', '5')
      .option('--faults <json>', 'faults from the start, e.g. {"latencyMs":50}')
      .option('--fault-control', 'let clients switch faults at run time (ZF command)')
      .addOption(
        new Option('--log-level <level>', 'pino level')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      ),
    'PEM server certificate (enables TLS; client certificates are then required)',
  ).action(
    guarded('sim hsm', async (o: SimFlags) => {
      const tls = readTls(o);
      let faults: ReturnType<typeof parseFaults> | undefined;
      if (o.faults !== undefined) {
        let json: unknown;
        try {
          json = JSON.parse(o.faults);
        } catch {
          throw new UsageError('--faults must be JSON');
        }
        faults = parseFaults(json);
        if (!faults.ok) throw new UsageError(`--faults: ${faults.error}`);
      }
      const identity = Object.fromEntries(
        (['vendor', 'model', 'serial', 'firmware'] as const).flatMap((k) =>
          o[k] === undefined ? [] : [[k, o[k]]],
        ),
      );
      const keys = loadKeyFile(o.keys, { ...withMaster() });
      const logger = pino({ name: 'cipher-machine', level: o.logLevel });
      const server = await CipherMachineServer.start({
        keys,
        host: o.host,
        port: int('--port', o.port),
        identity,
        lifetimeS: int('--lifetime', o.lifetime ?? '60'),
        skewS: int('--skew', o.skew ?? '5'),
        faultControl: o.faultControl === true,
        logger,
        ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
        ...(tls ? { tls } : {}),
        ...(faults?.ok ? { faults: faults.value } : {}),
      });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await server.close({ graceMs: 2000 });
      logger.flush();
      process.exitCode = EXIT.ok;
    }),
  );
}

function withMaster(): { master?: NonNullable<ReturnType<typeof masterKeyFromEnv>> } {
  const master = masterKeyFromEnv(process.env);
  return master ? { master } : {};
}

export function registerHsm({ program, sim }: CliGroups): void {
  registerClientCommands(
    program.command('hsm').description('the cipher machine (密码机): keys, identity, checks'),
  );
  registerSim(sim);
}
