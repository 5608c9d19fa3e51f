/**
 * The `ehc` command tree. The CLI is the composition root: the only place that wires every layer
 * together (agent, devices, simulators, benchmarks, certification); the layers themselves only
 * import downwards (see README.md).
 */
import { Command } from 'commander';
import { commandModules } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('ehc')
    .description('Electronic Health Card (电子健康卡) reader-terminal agent, simulators and test tools')
    .version('0.1.0')
    .showHelpAfterError();
  const sim = program
    .command('sim')
    .description('run a reference peer (soft cipher machine, central service)');
  const bench = program
    .command('bench')
    .description('benchmarks, each measured against a baseline in the same run');
  for (const register of commandModules) register({ program, sim, bench });
  return program;
}
