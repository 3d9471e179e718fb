#!/usr/bin/env node
/**
 * The `hvabi` command. A command's module is required only when it runs, so
 * `hvabi --help` or `hvabi coverage` never pays for the others.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { EXIT, UsageError, type Command } from "./commands/common";

/** Command name → loader. Add a command by adding a line here and a module in commands/. */
const COMMANDS: Record<string, () => Command> = {
  run: () => (require("./commands/run") as typeof import("./commands/run")).runCommand,
  coverage: () => (require("./commands/coverage") as typeof import("./commands/coverage")).coverageCommand,
  generate: () => (require("./commands/generate") as typeof import("./commands/generate")).generateCommand,
  report: () => (require("./commands/report") as typeof import("./commands/report")).reportCommand,
  diff: () => (require("./commands/diff") as typeof import("./commands/diff")).diffCommand,
  merge: () => (require("./commands/merge") as typeof import("./commands/merge")).mergeCommand,
  "check-core": () => (require("./commands/check-core") as typeof import("./commands/check-core")).checkCoreCommand,
  serve: () => (require("./commands/serve") as typeof import("./commands/serve")).serveCommand,
};

const EXIT_CODES = `exit codes: 0 as expected · 1 unexpected results · 2 usage or configuration error · 3 the core could not be started · 70 internal error`;

function usage(only?: string): string {
  const names = only === undefined ? Object.keys(COMMANDS) : [only];
  const blocks = names.map((name) => {
    const command = COMMANDS[name]!();
    return `  ${name} — ${command.summary}\n${command.usage.replace(/^/gm, "    ")}`;
  });
  return `usage: hvabi <command> [options] [paths…]\n\ncommands:\n${blocks.join("\n")}\n\n${EXIT_CODES}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return EXIT.ok;
  }
  if (name === "--version" || name === "-V") {
    const { packageVersion } = require("../spec/paths") as typeof import("../spec/paths");
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  try {
    if (load === undefined) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(usage(name));
      return EXIT.ok;
    }
    return await load().run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hvabi: ${error.message}\n\n${usage(load === undefined ? undefined : name)}`);
      return EXIT.usage;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`hvabi: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
