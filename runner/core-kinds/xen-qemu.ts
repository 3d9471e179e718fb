/**
 * The core kind `xen-qemu`: the real Xen hypervisor, booted under QEMU with the hvabi PV test
 * kernel (core/xen-qemu/, docs/real-xen.md). Its options follow the name:
 * `--core "xen-qemu --xen ./xen/xen --label mine"`.
 */
import { splitCommandLine, CommandLineError } from "../../core/protocol/argv";
import { createXenQemuCore, parseXenQemuArguments, XEN_QEMU_USAGE, XenQemuError } from "../../core/xen-qemu";
import { CoreRefError, CoreStartError, type CoreKind } from "./core-kind";

export const xenQemuKind: CoreKind<{ argv: string[] }> = {
  name: "xen-qemu",
  recognise: { by: "name" },
  usage: {
    form: "xen-qemu [options]",
    runs: `real Xen under QEMU: the set-up's release and debug builds (npm run setup:xen), or your own image (docs/real-xen.md); options: ${XEN_QEMU_USAGE.replace(/^xen-qemu /, "")}`,
  },
  // One core boots up to two QEMUs itself; more processes would only run more QEMUs than the cores.
  capabilities: { inProcess: true, workerThreads: "never" },
  parseOptions(argument) {
    try {
      const argv = argument.trim() === "" ? [] : splitCommandLine(argument);
      parseXenQemuArguments(argv);
      return { argv };
    } catch (error) {
      if (error instanceof CommandLineError || error instanceof XenQemuError) throw new CoreRefError(error.message);
      throw error;
    }
  },
  async start({ argv }) {
    try {
      return await createXenQemuCore(argv);
    } catch (error) {
      if (error instanceof XenQemuError) throw new CoreStartError(error.message);
      throw error;
    }
  },
};
