/* eslint-disable @typescript-eslint/no-require-imports */
import { parseArgs } from "node:util";
import { EXIT, asUsageError, type Command } from "./common";

export const serveCommand: Command = {
  summary: "serve a core over the protocol on stdin/stdout (e.g. --core \"exec:hvabi serve\")",
  get usage() {
    const { coreFormsWhere } = require("../resolve-core") as typeof import("../resolve-core");
    return `  --core REF        the core to serve, one that runs in hvabi's process: ${coreFormsWhere((kind) => kind.capabilities.inProcess)} (default: reference)`;
  },
  async run(args) {
    const { values } = asUsageError(() =>
      parseArgs({ args, allowPositionals: false, options: { core: { type: "string", default: "reference" } } }),
    );
    const { resolveCore, parseCoreRef, coreFormsWhere } = require("../resolve-core") as typeof import("../resolve-core");
    const { CoreRefError, CoreResolutionError } = require("../core-kinds/core-kind") as typeof import("../core-kinds/core-kind");
    const { serveProtocol } = require("../../core/protocol/server") as typeof import("../../core/protocol/server");
    let core;
    try {
      const ref = parseCoreRef(values.core);
      if (!ref.kind.capabilities.inProcess) {
        throw new CoreRefError(
          `serve serves cores that run in hvabi's process (${coreFormsWhere((kind) => kind.capabilities.inProcess)}); a core of kind ${ref.kind.name} runs outside it${ref.protocolCommand === undefined ? "" : " and already speaks the protocol"}`,
        );
      }
      core = await resolveCore(ref);
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
