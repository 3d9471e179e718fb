/** Starting a subprocess core: spawn it, send `start`, and accept only a valid `hello` in the runner's protocol version. */
import type { HelloResponse } from "../../spec/types/generated";
import { packageVersion } from "../../spec/paths";
import { CoreProcess, describeExit, type CoreProcessOptions } from "./child";
import { claimedProtocol, parseResponse, quote } from "./messages";
import { protocolSettings, type ProtocolLimits } from "./settings";

/** Why a handshake failed; check-core gives advice for each. */
export type HandshakeFailure = "spawn" | "exit" | "timeout" | "overflow" | "not-json" | "invalid" | "version" | "unexpected-reply";

/** The core could not be started; the message says why. */
export class HandshakeError extends Error {
  constructor(
    readonly failure: HandshakeFailure,
    message: string,
    /** The tail of what the core printed on stderr. */
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface StartedCore {
  process: CoreProcess;
  hello: HelloResponse;
}

export interface StartOptions {
  limits: ProtocolLimits;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onStderr?: CoreProcessOptions["onStderr"];
}

const seconds = (ms: number): string => `${ms / 1000} s`;

export async function startCore(argv: readonly string[], options: StartOptions): Promise<StartedCore> {
  const { limits } = options;
  const version = protocolSettings().version;
  const process = new CoreProcess(argv, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
    maxLineBytes: limits.maxLineBytes,
    headBytes: limits.quotedLineChars,
    stderrTailBytes: limits.stderrTailBytes,
    ...(options.onStderr === undefined ? {} : { onStderr: options.onStderr }),
  });
  const fail = async (failure: HandshakeFailure, message: string): Promise<never> => {
    process.kill();
    await process.waitForExit(limits.stopTimeoutMs);
    throw new HandshakeError(failure, message, process.stderr.tail(limits.caseStderrTailBytes));
  };

  process.send({ cmd: "start", protocol: version, hvabi: packageVersion() });
  const event = await process.next(limits.startTimeoutMs);
  switch (event.kind) {
    case "spawn-error":
      throw new HandshakeError("spawn", event.message, "");
    case "exit":
      return fail("exit", `the core ${describeExit(event.status)} before answering \`start\` (it must read {"cmd":"start",…} from stdin and answer with a \`hello\` line)`);
    case "timeout":
      return fail("timeout", `the core did not answer \`start\` within ${seconds(limits.startTimeoutMs)} (it must write a \`hello\` line on stdout and flush it; --start-timeout sets the limit)`);
    case "overflow":
      return fail("overflow", `the core answered \`start\` with a line longer than ${limits.maxLineBytes} bytes, starting ${quote(event.head, limits.quotedLineChars)}`);
    case "line":
      break;
  }
  const line = event.text;
  const parsed = parseResponse(line);
  const claimed = claimedProtocol(parsed.ok ? parsed.message : parsed.parsed);
  if (typeof claimed === "number" && claimed !== version) {
    return fail(
      "version",
      `the core speaks protocol version ${claimed}, but this hvabi speaks version ${version}; ` +
        `use an hvabi and a core that agree (docs/protocol.md describes version ${version})`,
    );
  }
  if (!parsed.ok) return fail(parsed.parsed === undefined ? "not-json" : "invalid", `the core's answer to \`start\` is ${parsed.problem}: ${quote(line, limits.quotedLineChars)}`);
  if (parsed.message.reply !== "hello") {
    return fail("unexpected-reply", `the core answered \`start\` with a \`${parsed.message.reply}\` line instead of \`hello\`: ${quote(line, limits.quotedLineChars)}`);
  }
  return { process, hello: parsed.message };
}
