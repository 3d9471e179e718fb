/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { EXIT, asUsageError, type Command } from "./common";

export const serveCommand: Command = {
  summary: "serve a core over the protocol on stdin/stdout (e.g. --core \"exec:hvabi serve\")",
  usage: `  --core NAME       the core to serve: reference (default) or a module path`,
  async run(args) {
    const { values } = asUsageError(() =>
      parseArgs({ args, allowPositionals: false, options: { core: { type: "string", default: "reference" } } }),
    );
    const { resolveCore, parseCoreSpec, CoreResolutionError } = require("../resolve-core") as typeof import("../resolve-core");
    const { serveProtocol } = require("../../core/protocol/server") as typeof import("../../core/protocol/server");
    let core;
    try {
      if (parseCoreSpec(values.core).kind === "exec") throw new CoreResolutionError("serve serves in-process cores (reference or a module); a subprocess core already speaks the protocol");
      core = await resolveCore(values.core);
    } catch (error) {
      if (error instanceof CoreResolutionError) {
        process.stderr.write(`hvabi serve: ${error.message}\n`);
        return EXIT.core;
      }
      throw error;
    }
    try {
      return await serveProtocol(core, { input: process.stdin, output: process.stdout, errors: process.stderr });
    } finally {
      await core.close();
      // `stop` ends the conversation even if the runner keeps our stdin open.
      process.stdin.destroy();
    }
  },
};
