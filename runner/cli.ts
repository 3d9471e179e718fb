#!/usr/bin/env node
/**
 * The `hvabi` command. Each command's modules are required only when that
 * command runs, so `hvabi --help` or `hvabi coverage` never pays for the others.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs, type ParseArgsConfig } from "node:util";

export const EXIT = { ok: 0, unexpected: 1, usage: 2, core: 3 } as const;

const USAGE = `usage: hvabi <command> [options]

commands:
  run [paths…]        run case files (default: the bundled cases/) against a core
      --core NAME       the core to check (default: reference)
      --profile NAME    only this profile (repeatable; default: every profile a case applies to)
      --report-dir DIR  where report.json goes (default: hvabi-report)
      --detail all      keep expected-vs-observed steps for passing results too
      --batch-size N    cases per round trip to the core (default: 64)
      --quiet           print only the final line
  coverage [paths…]   per clause, how many cases accept and how many refuse
      --area NAME       only this area (repeatable)

exit codes: 0 as expected · 1 unexpected results · 2 usage or configuration error · 3 the core could not be started
`;

class UsageError extends Error {}

function parse<T extends ParseArgsConfig["options"]>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function defaultPaths(positionals: string[]): string[] {
  if (positionals.length > 0) return positionals;
  const { defaultCasesDir } = require("../spec/paths") as typeof import("../spec/paths");
  return [defaultCasesDir()];
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    core: { type: "string", default: "reference" },
    profile: { type: "string", multiple: true },
    "report-dir": { type: "string", default: "hvabi-report" },
    detail: { type: "string", default: "failures" },
    "batch-size": { type: "string" },
    quiet: { type: "boolean", default: false },
  });
  if (values.help) return usage();
  if (values.detail !== "failures" && values.detail !== "all") throw new UsageError(`--detail must be "failures" or "all", not "${values.detail}"`);
  const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError("--batch-size must be a positive integer");

  const { loadSpec } = require("../spec") as typeof import("../spec");
  const { runSuite } = require("./run") as typeof import("./run");
  const { resolveCore, CoreResolutionError } = require("./resolve-core") as typeof import("./resolve-core");
  const { writeReport } = require("../reports/json") as typeof import("../reports/json");
  const terminal = require("../reports/terminal") as typeof import("../reports/terminal");
  const spec = loadSpec();
  const unknownProfiles = (values.profile ?? []).filter((p) => !spec.profiles.has(p));
  if (unknownProfiles.length > 0) throw new UsageError(`unknown profile ${unknownProfiles.join(", ")}; known: ${[...spec.profiles.keys()].join(", ")}`);

  let core: import("../core/interface").Core;
  try {
    core = await resolveCore(values.core);
  } catch (error) {
    if (error instanceof CoreResolutionError) {
      process.stderr.write(`hvabi: ${error.message}\n`);
      return EXIT.core;
    }
    throw error;
  }
  try {
    const report = await runSuite(core, spec, {
      paths: defaultPaths(positionals),
      ...(values.profile ? { profiles: values.profile } : {}),
      ...(batchSize ? { batchSize } : {}),
      detail: values.detail,
    });
    const written = writeReport(values["report-dir"], report);
    const text = terminal.renderTerminal(report, { color: terminal.shouldColor(process.stdout) });
    process.stdout.write(values.quiet ? text.trimEnd().split("\n").slice(-1).join("\n") + "\n" : text);
    process.stdout.write(`report: ${written}\n`);
    return report.ok ? EXIT.ok : EXIT.unexpected;
  } finally {
    await core.close();
  }
}

async function coverageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { area: { type: "string", multiple: true } });
  if (values.help) return usage();
  const { loadSpec, AREAS } = require("../spec") as typeof import("../spec");
  const { computeCoverage, renderCoverage, isCovered } = require("./coverage") as typeof import("./coverage");
  const unknownAreas = (values.area ?? []).filter((a) => !(AREAS as readonly string[]).includes(a));
  if (unknownAreas.length > 0) throw new UsageError(`unknown area ${unknownAreas.join(", ")}; known: ${AREAS.join(", ")}`);
  const report = computeCoverage(loadSpec(), defaultPaths(positionals), values.area);
  process.stdout.write(renderCoverage(report));
  return report.errors.length === 0 && report.clauses.every(isCovered) ? EXIT.ok : EXIT.unexpected;
}

function usage(): number {
  process.stdout.write(USAGE);
  return EXIT.ok;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  coverage: coverageCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") return usage();
  if (command === "--version" || command === "-V") {
    const { packageVersion } = require("../spec/paths") as typeof import("../spec/paths");
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const handler = COMMANDS[command];
  try {
    if (handler === undefined) throw new UsageError(`unknown command "${command}"`);
    return await handler(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hvabi: ${error.message}\n\n${USAGE}`);
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
