/** The options of every command that starts a core: its time limits and restart budget. */
import type { ProtocolLimits } from "../../core/protocol/settings";
import { UsageError } from "./common";

export const CORE_LIMIT_OPTIONS = {
  "case-timeout": { type: "string" },
  "batch-timeout": { type: "string" },
  "start-timeout": { type: "string" },
  "max-restarts": { type: "string" },
} as const;

type LimitValues = { [K in keyof typeof CORE_LIMIT_OPTIONS]?: string | undefined };

/** Usage lines, with the defaults of spec/data/protocol.json. */
export function coreLimitUsage(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { protocolSettings } = require("../../core/protocol/settings") as typeof import("../../core/protocol/settings");
  const { limits } = protocolSettings();
  return `  --case-timeout S  seconds a subprocess core may take per case (default: ${limits.caseTimeoutMs / 1000})
  --batch-timeout S seconds a whole batch may take, the backstop (default: ${limits.batchTimeoutMs / 1000})
  --start-timeout S seconds a subprocess core may take to answer the handshake (default: ${limits.startTimeoutMs / 1000})
  --max-restarts N  restarts after crashes and time-outs before giving up on the core (default: ${limits.maxRestarts})`;
}

function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0)) throw new UsageError(`--${name} must be a positive number of seconds, not "${value}"`);
  return Math.max(1, Math.round(parsed * 1000));
}

export function limitsFromOptions(values: LimitValues): Partial<ProtocolLimits> {
  const limits: Partial<ProtocolLimits> = {};
  const caseTimeout = seconds("case-timeout", values["case-timeout"]);
  const batchTimeout = seconds("batch-timeout", values["batch-timeout"]);
  const startTimeout = seconds("start-timeout", values["start-timeout"]);
  if (caseTimeout !== undefined) limits.caseTimeoutMs = caseTimeout;
  if (batchTimeout !== undefined) limits.batchTimeoutMs = batchTimeout;
  if (startTimeout !== undefined) limits.startTimeoutMs = startTimeout;
  const restarts = values["max-restarts"];
  if (restarts !== undefined) {
    const parsed = Number(restarts);
    if (!(Number.isInteger(parsed) && parsed >= 0)) throw new UsageError(`--max-restarts must be a whole number (0 or more), not "${restarts}"`);
    limits.maxRestarts = parsed;
  }
  return limits;
}
