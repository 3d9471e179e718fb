/** The protocol version and default limits, read from spec/data/protocol.json. */
import { loadSpec } from "../../spec";
import type { ProtocolLimits, ProtocolSettings } from "../../spec/types/generated";

export type { ProtocolLimits };

export function protocolSettings(): ProtocolSettings {
  return loadSpec().data<ProtocolSettings>("protocol.json");
}

/** The default limits with the given overrides (command-line options) applied. */
export function protocolLimits(overrides: Partial<ProtocolLimits> = {}): ProtocolLimits {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...protocolSettings().limits, ...defined };
}
