#!/usr/bin/env node
import { CommanderError } from 'commander';
import { scrubLogLine } from '../agent/log/logger.js';
import { installCrashHandler } from './crash.js';
import { EXIT } from './output.js';
import { buildProgram } from './program.js';

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  try {
    await program.parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.stderr.write(scrubLogLine(`ehc: ${e instanceof Error ? e.message : String(e)}\n`));
    process.exitCode = EXIT.usage;
  }
}

installCrashHandler();
await main(process.argv);
