/* eslint-disable @typescript-eslint/no-require-imports */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { casePaths, EXIT, asUsageError, UsageError, type Command } from "./common";
import { CORE_LIMIT_OPTIONS, coreLimitUsage, limitsFromOptions } from "./core-options";

export const checkCoreCommand: Command = {
  summary: "check that a core speaks the protocol, explaining every problem (check-core <core> [paths…])",
  get usage() {
    return `  <core>            exec:<program> [args…], or reference / a module path (checked through \`hvabi serve\`)
  [paths…]          where to take the trivial cases from (default: the bundled cases/)
  --json            print the findings as JSON
${coreLimitUsage()}`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean", default: false }, ...CORE_LIMIT_OPTIONS } }),
    );
    const [coreSpec, ...paths] = positionals;
    if (coreSpec === undefined) throw new UsageError("check-core needs a core, e.g. hvabi check-core exec:./my-core");
    const limits = limitsFromOptions(values);

    const { parseCoreSpec, CoreResolutionError } = require("../resolve-core") as typeof import("../resolve-core");
    const { protocolLimits } = require("../../core/protocol/settings") as typeof import("../../core/protocol/settings");
    const { packageRoot } = require("../../spec/paths") as typeof import("../../spec/paths");
    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { checkCore } = require("../check-core/check") as typeof import("../check-core/check");
    const { renderCoreCheck } = require("../check-core/render") as typeof import("../check-core/render");

    let argv: string[];
    try {
      const parsed = parseCoreSpec(coreSpec);
      // An in-process core is checked as a subprocess: `hvabi serve` speaks the protocol for it.
      argv = parsed.kind === "exec" ? parsed.argv : [process.execPath, join(packageRoot(), "dist", "runner", "cli.js"), "serve", "--core", coreSpec];
    } catch (error) {
      if (error instanceof CoreResolutionError) throw new UsageError(error.message);
      throw error;
    }
    const report = await checkCore(argv, { spec: loadSpec(), limits: protocolLimits(limits), casePaths: casePaths(paths) });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderCoreCheck(report, coreSpec));
    return report.ok ? EXIT.ok : EXIT.unexpected;
  },
};
