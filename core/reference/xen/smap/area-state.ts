import type { XenMachine } from "../machine";
import type { ResolvedSmapOptions, SmapOptions } from "./options";

export const SMAP = "smap";

/** The options as the command line left them, and once boot resolved their defaults. */
export interface SmapState {
  parsed: SmapOptions;
  resolved?: ResolvedSmapOptions;
}

export function smapState(machine: XenMachine): SmapState {
  const state = machine.options.get(SMAP) as SmapState | undefined;
  if (state === undefined) throw new Error("smap options read before boot");
  return state;
}

/** The SMEP/SMAP, 32-bit PV, CET and FRED settings in force after boot. */
export function smapSettings(machine: XenMachine): ResolvedSmapOptions {
  const resolved = smapState(machine).resolved;
  if (resolved === undefined) throw new Error("smap options read before boot resolved them");
  return resolved;
}
