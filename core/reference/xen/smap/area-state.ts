import type { XenMachine } from "../machine";
import type { ResolvedSmapOptions, SmapOptions } from "./options";

export const SMAP = "smap";

/** The options as the command line left them, and once boot resolved their defaults. */
export interface SmapState {
  parsed: SmapOptions;
  resolved?: ResolvedSmapOptions;
}

/** Set by initOptions, the first thing boot does; nothing reads it earlier. */
export const smapState = (machine: XenMachine): SmapState => machine.options.get(SMAP) as SmapState;

/** The SMEP/SMAP, 32-bit PV, CET and FRED settings in force after boot. */
/** Set by completeOptions at the end of boot, before any domain exists or any state is read. */
export const smapSettings = (machine: XenMachine): ResolvedSmapOptions => smapState(machine).resolved as ResolvedSmapOptions;
