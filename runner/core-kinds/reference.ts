/** The core kind `reference`: hvabi's own reading of the spec, in hvabi's process. */
import { inProcessCore } from "../../core/adapters/in-process";
import { createReferenceExecutor } from "../../core/reference";
import { CoreRefError, type CoreKind } from "./core-kind";

export const referenceKind: CoreKind<null> = {
  name: "reference",
  recognise: { by: "name" },
  usage: { form: "reference", runs: "the built-in reference core, in hvabi's process" },
  capabilities: { inProcess: true, workerThreads: "by-default" },
  parseOptions(argument) {
    if (argument !== "") throw new CoreRefError(`the reference core takes no options (given: ${argument})`);
    return null;
  },
  async start() {
    return inProcessCore(createReferenceExecutor());
  },
};
