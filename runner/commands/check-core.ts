/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { casePaths, EXIT, asUsageError, UsageError, type Command } from "./common";
import { CORE_LIMIT_OPTIONS, coreLimitUsage, limitsFromOptions } from "./core-options";

/** The program check-core talks to: the core itself when it is one, else `hvabi serve` speaking for a core in hvabi's process. */
function commandToCheck(coreRef: string): readonly string[] {
  const { parseCoreRef, protocolCommandFor } = require("../resolve-core") as typeof import("../resolve-core");
  const { CoreRefError } = require("../core-kinds/core-kind") as typeof import("../core-kinds/core-kind");
  let ref;
  try {
    ref = parseCoreRef(coreRef);
  } catch (error) {
    if (error instanceof CoreRefError) throw new UsageError(error.message);
    throw error;
  }
  const argv = protocolCommandFor(ref);
  if (argv === undefined) throw new UsageError(`check-core talks the protocol to a core: a core of kind ${ref.kind.name} is neither a program speaking it nor in hvabi's process`);
  return argv;
}

export const checkCoreCommand: Command = {
  summary: "check that a core speaks the protocol, explaining every problem (check-core <core> [paths…])",
  get usage() {
    return `  <core>            a core reference, as for hvabi run --core; a core in hvabi's process is checked
                    through \`hvabi serve\`
  [paths…]          where to take the trivial cases from (default: the bundled cases/)
  --json            print the findings as JSON
${coreLimitUsage()}`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean", default: false }, ...CORE_LIMIT_OPTIONS } }),
    );
    const [coreRef, ...paths] = positionals;
    if (coreRef === undefined) throw new UsageError("check-core needs a core, e.g. hvabi check-core exec:./my-core");
    const limits = limitsFromOptions(values);

    const { protocolLimits } = require("../../core/protocol/settings") as typeof import("../../core/protocol/settings");
    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { checkCore } = require("../check-core/check") as typeof import("../check-core/check");
    const { renderCoreCheck } = require("../check-core/render") as typeof import("../check-core/render");

    const argv = commandToCheck(coreRef);
    const report = await checkCore(argv, { spec: loadSpec(), limits: protocolLimits(limits), casePaths: casePaths(paths) });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderCoreCheck(report, coreRef));
    return report.ok ? EXIT.ok : EXIT.unexpected;
  },
};
