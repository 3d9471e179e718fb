/** What every command shares: argument parsing, usage errors, exit codes. */

export const EXIT = { ok: 0, unexpected: 1, usage: 2, core: 3 } as const;

export class UsageError extends Error {}

export interface Command {
  /** One line for `hvabi --help`. */
  summary: string;
  /** Option lines for `hvabi --help`. */
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Runs node:util parseArgs, turning its complaints into usage errors. */
export function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Positional case paths, or the bundled cases/ folder. */
export function casePaths(positionals: string[]): string[] {
  if (positionals.length > 0) return positionals;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultCasesDir } = require("../../spec/paths") as typeof import("../../spec/paths");
  return [defaultCasesDir()];
}
