/** The core kind `module`: a JavaScript or TypeScript module exporting a core, loaded into hvabi's process. */
import { loadModuleCore, ModuleCoreError, MODULE_EXTENSIONS } from "../../core/adapters/module";
import { CoreStartError, type CoreKind } from "./core-kind";

export const moduleKind: CoreKind<{ path: string }> = {
  name: "module",
  recognise: { by: "extension", extensions: MODULE_EXTENSIONS },
  usage: { form: `./core${MODULE_EXTENSIONS.join("|")}`, runs: "a JavaScript or TypeScript module exporting a core, in hvabi's process" },
  // A module may not expect to run twice at once: worker threads only when --workers asks for them.
  capabilities: { inProcess: true, workerThreads: "when-asked" },
  parseOptions: (argument) => ({ path: argument }),
  async start({ path }, { cwd }) {
    try {
      return await loadModuleCore(path, cwd);
    } catch (error) {
      if (error instanceof ModuleCoreError) throw new CoreStartError(error.message);
      throw error;
    }
  },
};
