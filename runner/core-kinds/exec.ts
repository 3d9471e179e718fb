/**
 * The core kind `exec`: any program speaking the protocol (docs/protocol.md),
 * run as a supervised subprocess. The command after `exec:` is split into
 * words by the rule of core/protocol/argv.ts and run without a shell.
 */
import { SubprocessCore } from "../../core/adapters/subprocess";
import { CommandLineError, splitCommandLine } from "../../core/protocol/argv";
import { HandshakeError } from "../../core/protocol/handshake";
import { protocolLimits } from "../../core/protocol/settings";
import { CoreRefError, CoreStartError, type CoreKind } from "./core-kind";

export const execKind: CoreKind<{ argv: string[] }> = {
  name: "exec",
  recognise: { by: "prefix", prefix: "exec:" },
  usage: { form: "exec:<program> [args…]", runs: "any program speaking the protocol (docs/protocol.md), as a subprocess" },
  // Its process is its parallelism; worker threads would only start more copies of it.
  capabilities: { inProcess: false, workerThreads: "never" },
  parseOptions(argument) {
    try {
      return { argv: splitCommandLine(argument) };
    } catch (error) {
      if (error instanceof CommandLineError) throw new CoreRefError(error.message);
      throw error;
    }
  },
  protocolCommand: ({ argv }) => argv,
  async start({ argv }, { limits, cwd, reference }) {
    try {
      return await SubprocessCore.start(argv, { limits: protocolLimits(limits), ...(cwd === undefined ? {} : { cwd }) });
    } catch (error) {
      if (error instanceof HandshakeError) throw new CoreStartError(withStderr(`cannot start the core ${reference}: ${error.message}`, error.stderr));
      throw error;
    }
  },
};

/** The message, and the last lines the core printed on stderr before it failed. */
function withStderr(message: string, stderr: string): string {
  const lines = stderr.trimEnd().split("\n").slice(-20);
  return stderr.trim() === "" ? message : `${message}\nits stderr ends with:\n${lines.map((line) => `  | ${line}`).join("\n")}`;
}
