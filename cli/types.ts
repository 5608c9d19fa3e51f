import type { Command } from 'commander';

/** The command groups a command module may add sub-commands to. */
export interface CliGroups {
  readonly program: Command;
  /** `ehc sim …`: reference peers (soft cipher machine, central service). */
  readonly sim: Command;
  /** `ehc bench …`: benchmarks, each with a baseline measured in the same run. */
  readonly bench: Command;
}

/** A command module: adds its commands to the groups. Importing it must have no side effects. */
export type RegisterCommands = (groups: CliGroups) => void;
