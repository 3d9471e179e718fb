/* eslint-disable @typescript-eslint/no-require-imports */
import type { Core } from "../../core/interface";
import { parseArgs } from "node:util";
import { casePaths, EXIT, asUsageError, UsageError, type Command } from "./common";
import { CORE_LIMIT_OPTIONS, coreLimitUsage, limitsFromOptions } from "./core-options";

export const runCommand: Command = {
  summary: "run case files (default: the bundled cases/) against a core",
  get usage() {
    return `  --core NAME       the core to check: reference (default), ./module.js|.mjs|.ts, or exec:<program> [args…]
  --profile NAME    only this profile (repeatable; default: every profile a case applies to)
  --report-dir DIR  where report.json goes (default: hvabi-report)
  --detail all      keep expected-vs-observed steps for passing results too
  --batch-size N    cases per round trip to the core (default: 64)
  --quiet           print only the final line
${coreLimitUsage()}`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          core: { type: "string", default: "reference" },
          profile: { type: "string", multiple: true },
          "report-dir": { type: "string", default: "hvabi-report" },
          detail: { type: "string", default: "failures" },
          "batch-size": { type: "string" },
          quiet: { type: "boolean", default: false },
          ...CORE_LIMIT_OPTIONS,
        },
      }),
    );
    if (values.detail !== "failures" && values.detail !== "all") throw new UsageError(`--detail must be "failures" or "all", not "${values.detail}"`);
    const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError("--batch-size must be a positive integer");
    const limits = limitsFromOptions(values);

    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { runAndClose } = require("../run-core") as typeof import("../run-core");
    const { resolveCore, CoreResolutionError } = require("../resolve-core") as typeof import("../resolve-core");
    const { writeReport } = require("../../reports/json") as typeof import("../../reports/json");
    const terminal = require("../../reports/terminal") as typeof import("../../reports/terminal");

    const spec = loadSpec();
    const unknownProfiles = (values.profile ?? []).filter((p) => !spec.profiles.has(p));
    if (unknownProfiles.length > 0) throw new UsageError(`unknown profile ${unknownProfiles.join(", ")}; known: ${[...spec.profiles.keys()].join(", ")}`);

    let core: Core;
    try {
      core = await resolveCore(values.core, { limits });
    } catch (error) {
      if (error instanceof CoreResolutionError) {
        process.stderr.write(`hvabi: ${error.message}\n`);
        return EXIT.core;
      }
      throw error;
    }
    const report = await runAndClose(core, spec, {
      paths: casePaths(positionals),
      ...(values.profile ? { profiles: values.profile } : {}),
      ...(batchSize ? { batchSize } : {}),
      detail: values.detail,
    });
    const written = writeReport(values["report-dir"], report);
    const text = terminal.renderTerminal(report, { color: terminal.shouldColor(process.stdout) });
    process.stdout.write(values.quiet ? `${text.trimEnd().split("\n").slice(-1).join("\n")}\n` : text);
    process.stdout.write(`report: ${written}\n`);
    return report.ok ? EXIT.ok : EXIT.unexpected;
  },
};
