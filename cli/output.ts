/** Small helpers shared by command modules for printing results. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints one JSON object per line (for streams such as `ehc scan`). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Exit code convention: 0 success, 1 a definite negative result, 2 usage or environment error,
 * 3 no negative result but not finished (`ehc certify`: mandatory items still await a verdict).
 */
export const EXIT = { ok: 0, negative: 1, usage: 2, incomplete: 3 } as const;
