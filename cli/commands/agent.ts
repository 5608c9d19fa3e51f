// ehc agent, ehc verify, ehc demo — the host agent (issue 7)
import { Agent } from '../../agent/agent.js';
import { AGENT_CONFIG_SPEC, type AgentConfig, loadAgentConfig } from '../../agent/config/agent-config.js';
import { describeConfig } from '../../agent/config/describe.js';
import { ConfigError } from '../../agent/config/schema.js';
import { LOG_LEVELS } from '../../agent/log/logger.js';
import type { Verifier } from '../../agent/types.js';
import { CentralVerifier } from '../../agent/verify/central-verifier.js';
import { HsmVerifier } from '../../agent/verify/hsm-verifier.js';
import { CentralClient } from '../../clients/central/client.js';
import { createHsmClient } from '../../clients/hsm/client.js';
import { parseEndpoint } from '../../clients/hsm/endpoint.js';
import { SdNotifier } from '../../kiosk/sd-notify.js';
import { runDemo } from '../../lab/demo.js';
import { parseEhcCode } from '../../protocol/qr/index.js';
import { printDemo } from '../demo-output.js';
import { EXIT, printJson } from '../output.js';
import type { CliGroups } from '../types.js';

interface VerifyOpts {
  hsm?: string;
  central?: string;
  appId?: string;
  appSecret?: string;
  terminalCode: string;
  channelCode: string;
  medStepCode: string;
  lifetime: string;
  skew: string;
  timeout: string;
  json?: boolean;
}

/** `--log-file` / `--log-level` on top of the file's `log` section, validated like the file. */
function withLogOverrides(config: AgentConfig, opts: { logFile?: string; logLevel?: string }): AgentConfig {
  if (opts.logFile === undefined && opts.logLevel === undefined) return config;
  const levels: readonly string[] = [...LOG_LEVELS, 'silent'];
  if (opts.logLevel !== undefined && !levels.includes(opts.logLevel)) {
    throw new ConfigError([`--log-level: must be one of ${levels.join(', ')}`]);
  }
  return {
    ...config,
    log: {
      ...config.log,
      ...(opts.logFile === undefined ? {} : { file: opts.logFile }),
      ...(opts.logLevel === undefined ? {} : { level: opts.logLevel as AgentConfig['log']['level'] }),
    },
  };
}

export function registerAgent({ program }: CliGroups): void {
  program
    .command('agent')
    .description('run the host agent: scanners → verification → feedback, local API, outbox')
    .option('--config <file>', 'agent configuration (JSON; see config/README.md)')
    .option('--describe-config', 'print the configuration reference (Markdown) and exit')
    .option('--log-file <file>', 'log to this file, rotated by size (overrides log.file; default: stdout)')
    .option('--drain <ms>', 'on SIGTERM, wait this long for scans in flight before closing', '5000')
    .option('--log-level <level>', 'pino level (overrides log.level; also PUT /admin/log-level at run time)')
    .action(
      async (opts: {
        config?: string;
        describeConfig?: boolean;
        logFile?: string;
        logLevel?: string;
        drain?: string;
      }) => {
        if (opts.describeConfig) {
          process.stdout.write(describeConfig(AGENT_CONFIG_SPEC, 'Agent configuration reference'));
          return;
        }
        if (!opts.config) {
          process.stderr.write('ehc agent: --config <file> is required\n');
          process.exitCode = EXIT.usage;
          return;
        }
        let agent: Agent;
        try {
          agent = new Agent({ config: withLogOverrides(loadAgentConfig(opts.config), opts) });
        } catch (e) {
          process.stderr.write(`ehc agent: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        // Under systemd (Type=notify): READY once serving, WATCHDOG from this event loop, STOPPING
        // when the drain begins. Outside systemd these are no-ops.
        const notifier = new SdNotifier({
          onError: (e) => process.stderr.write(`ehc agent: ${e.message}\n`),
        });
        await agent.start();
        await notifier.ready('serving');
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await notifier.stopping();
        const drainMs = Number(opts.drain ?? 5000);
        // The drain is bounded; if closing itself hangs (a device that never closes), exit
        // anyway, well inside systemd's TimeoutStopSec, rather than be SIGKILLed mid-write.
        setTimeout(() => {
          process.stderr.write('ehc agent: stop took too long; exiting\n');
          process.exit(EXIT.negative);
        }, drainMs + 5000).unref();
        const report = await agent.stop({ drainMs });
        if (report.abandoned > 0) process.exitCode = EXIT.negative;
      },
    );

  program
    .command('verify')
    .description('verify one QR text with the cipher machine or the central service')
    .argument('<qr-text>', 'the QR text as scanned')
    .option('--hsm <host:port>', 'verify the validity field with this cipher machine')
    .option('--central <url>', 'verify online with this central service')
    .option('--app-id <id>', 'central service app id (or EHC_CENTRAL_APP_ID)')
    .option('--app-secret <secret>', 'central service app secret (or EHC_CENTRAL_APP_SECRET)')
    .option('--terminal-code <code>', 'registered terminal code', 'TERM-0001')
    .option('--channel-code <code>', '01 window, 02 kiosk, 99 other', '02')
    .option('--med-step-code <code>', '诊疗环节 code', '010101')
    .option('--lifetime <s>', 'dynamic code lifetime, seconds', '60')
    .option('--skew <s>', 'allowed clock skew, seconds', '5')
    .option('--timeout <ms>', 'per-call timeout, ms', '1000')
    .option('--json', 'print {"verdict","reason","kind","ms"}')
    .action(async (text: string, opts: VerifyOpts) => {
      if (!opts.hsm === !opts.central) {
        process.stderr.write('ehc verify: give exactly one of --hsm <host:port> or --central <url>\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const started = performance.now();
      const parsed = parseEhcCode(text);
      let close = async (): Promise<void> => undefined;
      let result: { verdict: string; reason: string | null; kind: string | null; by: string };
      if (!parsed.ok) {
        result = { verdict: 'INVALID', reason: 'malformed', kind: null, by: 'parser' };
      } else {
        let verifier: Verifier;
        if (opts.hsm) {
          const hsm = createHsmClient({
            endpoints: [parseEndpoint(opts.hsm)],
            timeoutMs: Number(opts.timeout),
          });
          close = () => hsm.close();
          verifier = new HsmVerifier(hsm, { lifetimeS: Number(opts.lifetime), skewS: Number(opts.skew) });
        } else {
          const appId = opts.appId ?? process.env.EHC_CENTRAL_APP_ID;
          const appSecret = opts.appSecret ?? process.env.EHC_CENTRAL_APP_SECRET;
          if (!appId || !appSecret) {
            process.stderr.write(
              'ehc verify: --central needs --app-id and --app-secret (or the env variables)\n',
            );
            process.exitCode = EXIT.usage;
            return;
          }
          verifier = new CentralVerifier(
            new CentralClient({
              url: opts.central!,
              appId,
              appSecret,
              termId: opts.terminalCode,
              timeoutMs: Number(opts.timeout),
            }),
          );
        }
        const v = await verifier.verify(parsed.value, {
          medStepCode: opts.medStepCode,
          terminalCode: opts.terminalCode,
          channelCode: opts.channelCode,
          deviceId: 'cli',
          nowMs: Date.now(),
        });
        result = {
          verdict: v.verdict,
          reason: v.verdict === 'VALID' ? null : v.reason,
          kind: parsed.value.kind,
          by: v.by,
        };
      }
      await close();
      const ms = Math.round((performance.now() - started) * 1000) / 1000;
      if (opts.json) printJson({ ...result, ms });
      else
        process.stdout.write(`${result.verdict}${result.reason ? ` (${result.reason})` : ''} in ${ms} ms\n`);
      process.exitCode = result.verdict === 'VALID' ? EXIT.ok : EXIT.negative;
    });

  program
    .command('demo')
    .description(
      'run the demo: cipher machine, central service, virtual terminals and the agent in one process',
    )
    .option('--json', 'print the scenarios and the latency summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await runDemo();
      if (opts.json) printJson(result);
      else printDemo(result);
      process.exitCode = result.ok ? EXIT.ok : EXIT.negative;
    });
}
