/** Turns a `--core` argument into a running {@link Core}. */
import type { Core } from "../core/interface";

export class CoreResolutionError extends Error {}

export async function resolveCore(spec: string): Promise<Core> {
  if (spec === "reference") {
    const { createReferenceExecutor } = require("../core/reference") as typeof import("../core/reference");
    const { inProcessCore } = require("../core/adapters/in-process") as typeof import("../core/adapters/in-process");
    return inProcessCore(createReferenceExecutor());
  }
  throw new CoreResolutionError(`unknown core "${spec}": use \`reference\``);
}
