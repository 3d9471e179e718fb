/**
 * Turns a `--core` argument into a running {@link Core}:
 *
 * - `reference`: the built-in reference core, in process;
 * - a path ending in .js, .cjs, .mjs, .ts or .cts: a module exporting a core, in process;
 * - `exec:<program> [args…]`: a subprocess speaking the protocol (docs/protocol.md),
 *   the command split into words by the rule in core/protocol/argv.ts and run without a shell.
 */
import { extname } from "node:path";
import type { Core } from "../core/interface";
import { inProcessCore } from "../core/adapters/in-process";
import { loadModuleCore, ModuleCoreError, MODULE_EXTENSIONS } from "../core/adapters/module";
import { SubprocessCore } from "../core/adapters/subprocess";
import { CommandLineError, splitCommandLine } from "../core/protocol/argv";
import { HandshakeError } from "../core/protocol/handshake";
import { protocolLimits, type ProtocolLimits } from "../core/protocol/settings";
import { createReferenceExecutor } from "../core/reference";

export class CoreResolutionError extends Error {}

export interface ResolveOptions {
  /** Overrides of the protocol's default limits (subprocess cores). */
  limits?: Partial<ProtocolLimits>;
  cwd?: string;
}

export const EXEC_PREFIX = "exec:";

export type CoreSpec =
  | { kind: "reference" }
  | { kind: "module"; path: string }
  | { kind: "exec"; argv: string[] };

const USAGE = "use `reference`, a module path (./core.js, ./core.mjs, ./core.ts), or exec:<program> [args…]";

export function parseCoreSpec(spec: string): CoreSpec {
  if (spec === "reference") return { kind: "reference" };
  if (spec.startsWith(EXEC_PREFIX)) {
    try {
      return { kind: "exec", argv: splitCommandLine(spec.slice(EXEC_PREFIX.length)) };
    } catch (error) {
      if (error instanceof CommandLineError) throw new CoreResolutionError(`--core ${spec}: ${error.message}`);
      throw error;
    }
  }
  if ((MODULE_EXTENSIONS as readonly string[]).includes(extname(spec))) return { kind: "module", path: spec };
  throw new CoreResolutionError(`unknown core "${spec}": ${USAGE}`);
}

export async function resolveCore(spec: string, options: ResolveOptions = {}): Promise<Core> {
  const parsed = parseCoreSpec(spec);
  switch (parsed.kind) {
    case "reference":
      return inProcessCore(createReferenceExecutor());
    case "module":
      try {
        return await loadModuleCore(parsed.path, options.cwd);
      } catch (error) {
        if (error instanceof ModuleCoreError) throw new CoreResolutionError(error.message);
        throw error;
      }
    case "exec":
      try {
        return await SubprocessCore.start(parsed.argv, { limits: protocolLimits(options.limits), ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
      } catch (error) {
        if (error instanceof HandshakeError) throw new CoreResolutionError(withStderr(`cannot start the core ${spec}: ${error.message}`, error.stderr));
        throw error;
      }
  }
}

function withStderr(message: string, stderr: string): string {
  const lines = stderr.trimEnd().split("\n").slice(-20);
  return stderr.trim() === "" ? message : `${message}\nits stderr ends with:\n${lines.map((line) => `  | ${line}`).join("\n")}`;
}
