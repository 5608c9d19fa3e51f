import { scrubLogLine } from '../agent/log/logger.js';
import { isEhcError } from '../protocol/errors.js';

/** Exit status of a crash (EX_SOFTWARE): distinct from the command results in output.ts. */
export const CRASH_EXIT = 70;

/**
 * What a crash prints: the error's name, code and message and its stack frames, each line
 * scrubbed like a log line (EHC-IDs, ID numbers and phone numbers masked), so that an error
 * carrying a QR text or a patient's data does not reach the terminal, journald or a bug report.
 * The `cause` chain is summarised by name and code only.
 */
export function crashReport(e: unknown): string {
  const lines: string[] = [];
  if (e instanceof Error) {
    const code = isEhcError(e) ? ` [${e.code}]` : '';
    lines.push(`ehc: fatal: ${e.name}${code}: ${e.message}`);
    for (const frame of (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l))) lines.push(frame);
    let cause: unknown = e.cause;
    for (let depth = 0; depth < 4 && cause !== undefined; depth++) {
      const c = cause as { name?: unknown; code?: unknown; cause?: unknown };
      lines.push(
        `  caused by ${String(c.name ?? typeof cause)}${typeof c.code === 'string' ? ` [${c.code}]` : ''}`,
      );
      cause = c.cause;
    }
  } else {
    lines.push(`ehc: fatal: ${String(e)}`);
  }
  return `${lines.map(scrubLogLine).join('\n')}\n`;
}

/** Replaces Node's default crash output (which prints the raw message) with `crashReport`. */
export function installCrashHandler(): void {
  const crash = (e: unknown): void => {
    process.stderr.write(crashReport(e));
    process.exit(CRASH_EXIT);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
